package import CallModel
package import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - Call search and the effect of blocks (people's API and console)

extension PostgresStore: CallSearchStore {
    /// One statement: every node's matching events grouped by call id (a call's events from two
    /// nodes are one call), newest start first, each with its latest stored event's caller, callee
    /// and outcome, as `SQLiteStore` answers. The time range is served by
    /// `call_events_by_counted_time`; number and extension filter the range's events (deliberately
    /// no index of their own, as in SQLite: the range bounds the work, 7 days by default at the API).
    /// The extension is compared as bytes, whole (NUL included). A negative limit is no limit and a
    /// negative offset none, as SQLite reads them.
    /// - Throws: ``PostgresStoreError``.
    package func searchCalls(_ query: CallQuery) throws -> [CallSummary] {
        var binds = PostgresBindings()
        var conditions: [String] = []
        func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        conditions.append("counted_time >= " + bind(query.since.microsecondsSinceEpoch))
        if let until = query.until {
            conditions.append("counted_time < " + bind(until.microsecondsSinceEpoch))
        }
        if let number = query.number {
            let placeholder = bind(number.description)
            if query.matchesAssertedIdentity {
                conditions.append("(caller_e164 = \(placeholder) OR asserted_identity = \(placeholder))")
            } else {
                conditions.append("(caller_e164 = \(placeholder) AND NOT presentation_restricted)")
            }
        }
        if let key = query.extensionKey {
            let placeholder = bind(ByteBuffer(string: key))
            conditions.append("(callee_key = \(placeholder) OR caller_extension = \(placeholder))")
        }
        // `limit + 1` (so a caller can tell whether there are more); NULL is no limit.
        let (limit, overflow) = query.limit.addingReportingOverflow(1)
        let limitPlaceholder = bind(overflow || limit < 0 ? Int64?.none : Int64(limit))
        let offsetPlaceholder = bind(Int64(max(query.offset, 0)))
        let sql = """
            SELECT \(Self.eventReadColumns.split(separator: ",").map { "e." + $0.trimmingPrefix(while: \.isWhitespace) }.joined(separator: ", ")),
                   calls.start, calls.decision, calls.events
            FROM (
                SELECT max(id) AS last_id, min(counted_time) AS start, max(decision_action COLLATE "C") AS decision,
                       count(*) AS events
                FROM call_events WHERE \(conditions.joined(separator: " AND "))
                GROUP BY call_id ORDER BY min(counted_time) DESC, max(id) DESC LIMIT \(limitPlaceholder) OFFSET \(offsetPlaceholder)
            ) AS calls JOIN call_events AS e ON e.id = calls.last_id
            ORDER BY calls.start DESC, calls.last_id DESC
            """
        let rows = try session.query(PostgresQuery(unsafeSQL: sql, binds: binds))
        let columns = Self.eventReadColumnCount
        return try rows.map { row in
            let event = try Self.event(from: row)
            let cells = row.makeRandomAccess()
            let start = try cells[columns].decode(Int64.self, context: .default)
            let decision = try cells[columns + 1].decode(String?.self, context: .default)
            let events = try cells[columns + 2].decode(Int64.self, context: .default)
            return CallSummary(
                callID: event.callID, start: Timestamp(microsecondsSinceEpoch: start), caller: event.caller, callee: event.callee.key,
                disposition: event.disposition, decision: decision, events: Int(events))
        }
    }

    /// How many columns ``eventReadColumns`` names (``event(from:)`` reads them first).
    private static let eventReadColumnCount = eventReadColumns.split(separator: ",").count
}

extension PostgresStore: BlockEffectStore {
    /// One statement, as `SQLiteStore` answers: every call (of every node, grouped by call id)
    /// since `since` whose counted identity had a number block or redirect in force at its start (a
    /// rule from its creation to its expiry; a removed one also until its removal), stopped when
    /// one of its events carries a block or redirect decision; oldest first. Served by
    /// `call_events_by_counted_time`; the rules and their history are read whole (as in SQLite).
    /// - Throws: ``PostgresStoreError``.
    package func callsAfterBlocks(since: Timestamp) throws -> [CallAfterBlock] {
        let rows = try session.query(
            """
            WITH blocks(identity, start, stop) AS (
                SELECT match_value, created_at, expires_at FROM rules
                WHERE match_kind = 'number' AND action IN ('block', 'redirect')
                UNION ALL
                SELECT match_value, created_at, CASE WHEN expires_at IS NOT NULL AND expires_at < removed_at THEN expires_at ELSE removed_at END
                FROM rule_history WHERE match_kind = 'number' AND action IN ('block', 'redirect')
            ),
            calls AS (
                SELECT call_id, min(counted_time) AS start,
                       bool_or(coalesce(decision_action IN ('block', 'redirect'), FALSE)) AS stopped,
                       max(counted_identity COLLATE "C") AS identity
                FROM call_events WHERE counted_time >= \(since.microsecondsSinceEpoch) GROUP BY call_id
            )
            SELECT calls.start, calls.stopped FROM calls
            WHERE EXISTS (SELECT 1 FROM blocks WHERE blocks.identity = calls.identity AND calls.start >= blocks.start
                          AND (blocks.stop IS NULL OR calls.start < blocks.stop))
            ORDER BY calls.start
            """)
        return try rows.map { row in
            let (start, stopped) = try row.decode((Int64, Bool).self)
            return CallAfterBlock(start: Timestamp(microsecondsSinceEpoch: start), stopped: stopped)
        }
    }
}
