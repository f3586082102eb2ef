import CallModel
import GRDB

// MARK: - Call links of a batch, inserted together

/// The call links an ingestion batch's detections make, gathered while their plans are executed
/// and inserted at the end of the batch's transaction by a few multi-row `INSERT OR IGNORE`s
/// (``SQLiteStore/insert(_:_:)``) instead of one statement per call.
///
/// Why: every link fires the evidence chain's triggers (an entry for the link, and one for the
/// call's event), and a statement whose triggers write is a statement SQLite journals on its own
/// (the statement journal, the original of every page it changes, so that it can be undone
/// alone). One statement per link was one statement journal per link: in the DoS hour (~50,000
/// links, ~2,000 per batch) that journalling was a third of the time the links took. The rows,
/// their order within the batch, and what the triggers chain for them are those the per-call
/// statements wrote; only their place among the batch's other chain entries moves (after the
/// batch's detections, incidents and alerts instead of between them).
///
/// Deliberately not handled: links made outside an ingestion batch (an MCID flag, a console
/// action) — one or a few per transaction, they are inserted at once as before.
final class PendingCallLinks {
    fileprivate var incidentIDs: [Int64] = []
    fileprivate var callIDs: [String] = []
    fileprivate var linkedAt: [Int64] = []

    init() {}

    /// How many links are waiting.
    var count: Int { callIDs.count }

    func append(incidentID: Int64, callID: String, linkedAt time: Timestamp) {
        incidentIDs.append(incidentID)
        callIDs.append(callID)
        linkedAt.append(time.microsecondsSinceEpoch)
    }
}

extension SQLiteStore {
    /// Rows per multi-row link `INSERT`: 3 parameters each, 768 in all (below SQLite's historical
    /// limit of 999).
    static let linkRowsPerStatement = 256

    private static func insertLinksSQL(rows: Int) -> String {
        "INSERT OR IGNORE INTO incident_calls (incident_id, call_id, linked_at) VALUES "
            + Array(repeating: "(?, ?, ?)", count: rows).joined(separator: ", ")
    }

    private static let insertLinksChunkSQL = insertLinksSQL(rows: linkRowsPerStatement)

    /// Inserts the waiting links in the order they were made (each one ignored when it exists, as
    /// a single `INSERT OR IGNORE` does), 256 per statement, the rest in fewer statements; empties
    /// `links`. The call id is bound whole, NUL included (``FullLengthText``).
    func insert(_ links: PendingCallLinks, _ db: Database) throws {
        var start = 0
        let total = links.count
        while start < total {
            // 256 rows, or the largest power of two left: at most nine statements are ever cached.
            var rows = Self.linkRowsPerStatement
            while rows > total - start { rows /= 2 }
            let statement = try db.cachedStatement(
                sql: rows == Self.linkRowsPerStatement ? Self.insertLinksChunkSQL : Self.insertLinksSQL(rows: rows))
            statement.setUncheckedArguments(StatementArguments())
            let sqliteStatement = statement.sqliteStatement
            for row in 0..<rows {
                let index = start + row
                let offset = CInt(row * 3)
                try Self.bindLink(links.incidentIDs[index], offset + 1, sqliteStatement)
                try Self.bindLink(FullLengthText(links.callIDs[index]), offset + 2, sqliteStatement)
                try Self.bindLink(links.linkedAt[index], offset + 3, sqliteStatement)
            }
            try statement.execute()
            start += rows
        }
        links.incidentIDs.removeAll(keepingCapacity: true)
        links.callIDs.removeAll(keepingCapacity: true)
        links.linkedAt.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func bindLink(_ value: some StatementBinding, _ index: CInt, _ statement: SQLiteStatement) throws {
        let code = value.bind(to: statement, at: index)
        guard code == 0 else {  // SQLITE_OK
            throw SQLiteStoreError(
                code: .database, message: "binding parameter \(index) of an incident link failed with SQLite code \(code)")
        }
    }
}
