package import Incidents
import Foundation
import GRDB

// MARK: - Tamper evidence: checking the evidence chain

extension SQLiteStore {
    /// Checks the evidence chain on one read snapshot and returns at most `limit` findings:
    ///
    /// 1. every entry's hash is recomputed from the entry before it and its own fields (an entry
    ///    edited, removed or inserted breaks the entry after it), and the entries are numbered
    ///    without gaps;
    /// 2. each chained table is walked beside the latest entry of each of its rows (both in key
    ///    order, one pass each): a row whose content no longer hashes to its entry (naming the
    ///    columns whose digests differ), a chained row that is gone without a `delete` entry, a row
    ///    the chain never saw, a row back after its `delete` entry;
    /// 3. every chaining trigger is in place, unchanged.
    ///
    /// Rows removed by the store (retention, erasure) went through the delete triggers, so their
    /// `delete` entry is their latest and their absence is expected: a purge never makes this fail.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func verifyEvidenceChain(limit: Int = 100) throws -> EvidenceChainReport {
        try read { db in
            var findings: [EvidenceChainFinding] = []
            let (entries, head) = try Self.checkChainEntries(db, into: &findings, limit: limit)
            for table in StoreSchema.chainedTables where findings.count < limit {
                try Self.checkRows(of: table, db, into: &findings, limit: limit)
            }
            if findings.count < limit { try Self.checkTriggers(db, into: &findings, limit: limit) }
            return EvidenceChainReport(entries: entries, head: head, findings: findings)
        }
    }

    /// The number of entries and the head hash, without checking anything (for a bundle's manifest).
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func evidenceChainHead() throws -> (entries: Int64, head: String?) {
        try read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT seq, hashes FROM evidence_entries ORDER BY seq DESC LIMIT 1") {
                let hashes = [UInt8](row[1] as Data)
                return (row[0], EvidenceChainFunctions.hex(hashes.prefix(32)))
            }
            guard let row = try Row.fetchOne(
                db, sql: "SELECT seq, entry_sha256 FROM evidence_chain ORDER BY seq DESC LIMIT 1")
            else { return (0, nil) }
            return (row[0], row[1])
        }
    }

    /// Checks every entry's hash against the one before: the first-format entries (`evidence_chain`),
    /// then the compact ones (`evidence_entries`), whose `seq` and hashes continue them.
    private static func checkChainEntries(
        _ db: Database, into findings: inout [EvidenceChainFinding], limit: Int
    ) throws -> (Int64, String?) {
        var previous = ""
        var expectedSeq: Int64 = 1
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, kind, row_key, operation, content_sha256, column_digests, entry_sha256
                FROM evidence_chain ORDER BY seq
                """)
        var head: String?
        var count: Int64 = 0
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            let kind: String = row[1]
            let key: String = row[2]
            let operation: String = row[3]
            let content: String = row[4]
            let digests: String = row[5]
            let stored: String = row[6]
            let text = "\(previous)\n\(seq)\n\(kind)\n\(key)\n\(operation)\n\(content)\n\(digests)"
            if (seq != expectedSeq || EvidenceChainFunctions.sha256Hex(text) != stored), findings.count < limit {
                findings.append(EvidenceChainFinding(table: "evidence_chain", row: String(seq), entry: seq, problem: .entryBroken))
            }
            previous = stored
            expectedSeq = seq + 1
            head = stored
            count += 1
        }
        // The first compact entry covers the last first-format hash as bytes (a hash that is not 64
        // hex digits was reported above, and no compact entry can follow from it either).
        var previousBytes: [UInt8] = previous.isEmpty ? [] : EvidenceChainFunctions.bytes(hex: previous) ?? Array(previous.utf8)
        let entries = try Row.fetchCursor(db, sql: "SELECT seq, kind, row_key, operation, hashes FROM evidence_entries ORDER BY seq")
        while let row = try entries.next() {
            let seq: Int64 = row[0]
            let kind: String = row[1]
            let key: String = row[2]
            let operation: String = row[3]
            let hashes = (row[4] as Data?).map { [UInt8]($0) } ?? []
            let stored = Array(hashes.prefix(32))
            let intact = hashes.count >= 64 && (hashes.count - 64) % 8 == 0 && seq == expectedSeq
                && EvidenceChainFunctions.entryHash(
                    previous: previousBytes, seq: seq, kind: kind, key: key, operation: operation,
                    rowBytes: Array(hashes.dropFirst(32))) == stored
            if !intact, findings.count < limit {
                findings.append(EvidenceChainFinding(table: "evidence_entries", row: String(seq), entry: seq, problem: .entryBroken))
            }
            previousBytes = stored
            expectedSeq = seq + 1
            head = EvidenceChainFunctions.hex(stored)
            count += 1
        }
        return (count, head)
    }

    /// One table beside its latest entries: a merge of two cursors ordered by the row key (text).
    private static func checkRows(
        of table: ChainedTable, _ db: Database, into findings: inout [EvidenceChainFinding], limit: Int
    ) throws {
        // The latest entry of each row, in either format: both tables' entries of this kind sorted
        // by row and seq (a sort at check time: the compact table keeps no index up on append).
        var latest = LatestEntries(cursor: try Row.fetchCursor(
            db,
            sql: """
                SELECT row_key, seq, operation, content_sha256, column_digests, NULL FROM evidence_chain WHERE kind = ?1
                UNION ALL
                SELECT row_key, seq, operation, NULL, NULL, hashes FROM evidence_entries WHERE kind = ?1
                ORDER BY 1, 2
                """,
            arguments: [table.name]))
        // Rows covered now, and rows the chain holds even if no longer covered (a call whose link
        // was removed behind the store's back is then reported by its rows, not only by the link).
        let name = table.name
        let chained = """
            CAST(\(table.key(name)) AS TEXT) IN (
                SELECT row_key FROM evidence_chain WHERE kind = '\(name)'
                UNION ALL SELECT row_key FROM evidence_entries WHERE kind = '\(name)')
            """
        let covered = table.covered(name).map { " WHERE (\($0)) OR \(chained)" } ?? ""
        let rows = try Row.fetchCursor(
            db, sql: "SELECT CAST(\(table.key(name)) AS TEXT) AS k, \(table.rowHashes(name)) FROM \(name)\(covered) ORDER BY k")
        var entry = try latest.next()
        var row = try rows.next()
        while findings.count < limit, entry != nil || row != nil {
            let rowKey: String? = row?[0]
            if let current = entry, rowKey == nil || current.key < rowKey! {
                // The chain holds a row the table does not.
                if current.operation != "delete" {
                    findings.append(EvidenceChainFinding(table: table.name, row: current.key, entry: current.seq, problem: .deleted))
                }
                entry = try latest.next()
            } else if let rowKey, entry == nil || rowKey < entry!.key {
                findings.append(EvidenceChainFinding(table: table.name, row: rowKey, entry: nil, problem: .notChained))
                row = try rows.next()
            } else if let current = entry, let tableRow = row, let rowKey {
                let hashes = EvidenceChainFunctions.split(rowHashes: tableRow[1])
                if current.operation == "delete" {
                    findings.append(EvidenceChainFinding(table: table.name, row: rowKey, entry: current.seq, problem: .reappeared))
                } else if hashes.content != current.content {
                    let was = current.digests.split(separator: " ").map(String.init)
                    let now = hashes.digests.split(separator: " ").map(String.init)
                    let columns = table.columns.indices.filter { index in
                        index >= was.count || index >= now.count || was[index] != now[index]
                    }.map { table.columns[$0] }
                    findings.append(EvidenceChainFinding(
                        table: table.name, row: rowKey, entry: current.seq, problem: .contentDiffers(columns: columns)))
                }
                entry = try latest.next()
                row = try rows.next()
            }
        }
    }

    private static func checkTriggers(_ db: Database, into findings: inout [EvidenceChainFinding], limit: Int) throws {
        var expected = [(StoreSchema.chainAppendTrigger.table, StoreSchema.chainAppendTrigger.name, StoreSchema.chainAppendTrigger.sql)]
        for table in StoreSchema.chainedTables {
            expected += StoreSchema.chainTriggers(table).map { (table.name, $0.name, $0.sql) }
        }
        for (table, name, sql) in expected where findings.count < limit {
            let stored = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name])
            if stored.map(Self.normalisedSQL) != Self.normalisedSQL(sql) {
                findings.append(EvidenceChainFinding(table: table, row: name, entry: nil, problem: .triggerMissing(name)))
            }
        }
    }

    /// SQL with runs of white space as one space and no trailing `;`, for comparing trigger texts.
    private static func normalisedSQL(_ sql: String) -> String {
        var text = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        while text.hasSuffix(";") { text.removeLast() }
        return text
    }
}

/// The latest entry of each row out of a cursor of entries sorted by row key, then seq
/// (`row_key, seq, operation, content_sha256, column_digests, hashes` — the first format's two hex
/// columns, or the compact format's blob), with the hashes in the first format's hex form.
private struct LatestEntries {
    struct Entry {
        var key: String
        var seq: Int64
        var operation: String
        /// The content hash, 64 hex digits.
        var content: String
        /// The column digests, 16 hex digits each, separated by spaces.
        var digests: String
    }

    let cursor: RowCursor
    private var pending: Entry?
    private var started = false

    init(cursor: RowCursor) {
        self.cursor = cursor
    }

    mutating func next() throws -> Entry? {
        if !started {
            started = true
            pending = try read()
        }
        guard var current = pending else { return nil }
        while let following = try read() {
            if following.key != current.key {
                pending = following
                return current
            }
            current = following
        }
        pending = nil
        return current
    }

    private func read() throws -> Entry? {
        guard let row = try cursor.next() else { return nil }
        if let data = row[5] as Data? {
            let text = EvidenceChainFunctions.hexRowHashes(Array([UInt8](data).dropFirst(32)))
            let hashes = EvidenceChainFunctions.split(rowHashes: String(decoding: text, as: UTF8.self))
            return Entry(key: row[0], seq: row[1], operation: row[2], content: hashes.content, digests: hashes.digests)
        }
        return Entry(key: row[0], seq: row[1], operation: row[2], content: row[3], digests: row[4])
    }
}
