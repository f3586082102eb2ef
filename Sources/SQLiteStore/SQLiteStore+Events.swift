package import CallModel
package import CallwardenPorts
import Foundation
import GRDB

// MARK: - Reads: events, checkpoints, statistics

extension SQLiteStore {
    /// The last committed checkpoint of a followed path, if any.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func checkpoint(forPath path: String) throws -> TailCheckpoint? {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT path, device, inode, byte_offset, line_number, head_hash, updated_at, history_cutoff, history_end
                    FROM tail_checkpoints WHERE path = ?
                    """,
                arguments: [path])
            return try rows.first.map { row in
                TailCheckpoint(
                    path: try row.decode(atIndex: 0),
                    device: StoredValue.unsigned(try row.decode(atIndex: 1)),
                    inode: StoredValue.unsigned(try row.decode(atIndex: 2)),
                    offset: try row.decode(atIndex: 3),
                    lineNumber: try row.decode(atIndex: 4),
                    headHash: StoredValue.unsigned(try row.decode(atIndex: 5)),
                    updatedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 6)),
                    historyCutoff: (try row.decode(Int64?.self, atIndex: 7)).map(Timestamp.init(microsecondsSinceEpoch:)),
                    historyEnd: try row.decode(Int64?.self, atIndex: 8))
            }
        }
    }

    /// Events whose counted time is at or after `since`, oldest first (ties in insertion order);
    /// the newest `limit` when there are more. Every field of each ``CallEvent`` is restored.
    ///
    /// - Throws: ``SQLiteStoreError``, with ``SQLiteStoreError/Code/invalidData`` for a row that
    ///   does not make an event.
    package func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] {
        try read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.eventReadColumns)
                    FROM (SELECT * FROM call_events WHERE counted_time >= ?
                          ORDER BY counted_time DESC, id DESC LIMIT ?) AS newest
                    ORDER BY counted_time, id
                    """,
                arguments: [since.microsecondsSinceEpoch, max(limit, 0)])
            var events: [CallEvent] = []
            events.reserveCapacity(max(0, min(limit, 100_000)))
            while let row = try cursor.next() {
                events.append(try Self.event(from: row))
            }
            return events
        }
    }

    /// Totals: events, distinct calls by call id (one call however many sources witnessed it), detections, rules (expired included)
    /// and malformed records counted by ingestion.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func statistics() throws -> StoreStatistics {
        try read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return StoreStatistics(
                events: try count("SELECT COUNT(*) FROM call_events"),
                calls: try count("SELECT COUNT(*) FROM (SELECT DISTINCT call_id FROM call_events) AS calls"),
                detections: try count("SELECT COUNT(*) FROM detections"),
                rules: try count("SELECT COUNT(*) FROM rules"),
                malformed: try Int.fetchOne(
                    db, sql: "SELECT value FROM ingest_counters WHERE name = ?", arguments: [Self.malformedCounter])
                    ?? 0)
        }
    }

    /// The columns ``event(from:)`` reads, in order.
    /// Text from callers and PBXs is read as a blob, with its length, so that an embedded NUL and
    /// what follows it come back (``FullLengthText``); decoded as UTF-8.
    static let eventReadColumns = """
        time, CAST(call_id AS BLOB), source, phase, disposition, call_start, duration_us, talk_time_us, \
        CAST(caller_raw AS BLOB), caller_e164, CAST(caller_extension AS BLOB), CAST(caller_name AS BLOB), \
        asserted_identity, presentation_restricted, CAST(callee_raw AS BLOB), CAST(callee_key AS BLOB), \
        decision_action, CAST(decision_target AS BLOB), decision_rule, CAST(decision_reason AS BLOB)
        """

    /// A call event from a row with ``eventColumns`` in order.
    static func event(from row: Row) throws -> CallEvent {
        let disposition: String? = try row.decode(atIndex: 4)
        return CallEvent(
            time: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 0)),
            callID: try fullText(row, 1) ?? "",
            source: try StoredValue.decode(row.decode(atIndex: 2), as: EventSource.self, column: "call_events.source"),
            phase: try StoredValue.decode(row.decode(atIndex: 3), as: CallPhase.self, column: "call_events.phase"),
            disposition: try disposition.map {
                try StoredValue.decode($0, as: Disposition.self, column: "call_events.disposition")
            },
            callStart: StoredValue.timestamp(try row.decode(atIndex: 5)),
            duration: (try row.decode(Int64?.self, atIndex: 6)).map(TimeSpan.init(microseconds:)),
            talkTime: (try row.decode(Int64?.self, atIndex: 7)).map(TimeSpan.init(microseconds:)),
            caller: CallerIdentity(
                raw: try fullText(row, 8) ?? "",
                number: try StoredValue.number(row.decode(atIndex: 9), column: "call_events.caller_e164"),
                internalExtension: try fullText(row, 10),
                displayName: try fullText(row, 11),
                assertedIdentity: try StoredValue.number(row.decode(atIndex: 12), column: "call_events.asserted_identity"),
                presentationRestricted: try row.decode(atIndex: 13)),
            callee: CalledParty(raw: try fullText(row, 14) ?? "", key: try fullText(row, 15) ?? ""),
            decision: try decision(from: row, at: 16))
    }

    /// The decision columns (action, target, rule, reason) from `index` on; nil when none was stored.
    private static func decision(from row: Row, at index: Int) throws -> CallDecision? {
        guard let name: String = try row.decode(atIndex: index) else { return nil }
        let target = try fullText(row, index + 1)
        let action: RuleAction
        switch (name, target) {
        case ("allow", nil): action = .allow
        case ("block", nil): action = .block
        case ("flag", nil): action = .flag
        case ("redirect", let target?): action = .redirect(to: target)
        default:
            throw SQLiteStoreError(
                code: .invalidData, message: "call_events.decision_action and call_events.decision_target disagree")
        }
        return CallDecision(
            action: action, ruleID: try row.decode(atIndex: index + 2), reason: try fullText(row, index + 3) ?? "")
    }

    /// A text column selected as a blob (``eventReadColumns``), with every byte, NUL included.
    private static func fullText(_ row: Row, _ index: Int) throws -> String? {
        try row.decode(Data?.self, atIndex: index).map { String(decoding: $0, as: UTF8.self) }
    }
}
