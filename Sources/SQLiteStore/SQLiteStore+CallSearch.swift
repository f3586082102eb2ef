package import CallModel
package import CallwardenPorts
import GRDB

// MARK: - Call search (people's API and console)

extension SQLiteStore: CallSearchStore {
    /// One read: the matching events grouped by call id, newest start first. The time range is
    /// served by `call_events_by_counted_time`; number and extension filter the range's events
    /// (deliberately no index of their own: the range bounds the work, 7 days by default at the API).
    package func searchCalls(_ query: CallQuery) throws -> [CallSummary] {
        var conditions = ["counted_time >= ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [query.since.microsecondsSinceEpoch]
        if let until = query.until {
            conditions.append("counted_time < ?")
            arguments.append(until.microsecondsSinceEpoch)
        }
        if let number = query.number {
            if query.matchesAssertedIdentity {
                conditions.append("(caller_e164 = ? OR asserted_identity = ?)")
                arguments += [number.description, number.description]
            } else {
                conditions.append("(caller_e164 = ? AND presentation_restricted = 0)")
                arguments.append(number.description)
            }
        }
        if let key = query.extensionKey {
            // Compared as bytes, the key whole (NUL included: ``FullLengthText``).
            conditions.append("(CAST(callee_key AS BLOB) = ? OR CAST(caller_extension AS BLOB) = ?)")
            arguments += [FullLengthText.argument(key), FullLengthText.argument(key)]
        }
        arguments += [query.limit + 1, query.offset]
        return try read { db in
            let groups = try Row.fetchAll(
                db,
                sql: """
                    SELECT max(id), min(counted_time), max(decision_action), count(*) FROM call_events
                    WHERE \(conditions.joined(separator: " AND "))
                    GROUP BY call_id ORDER BY min(counted_time) DESC, max(id) DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments))
            return try groups.compactMap { group in
                let eventID: Int64 = group[0]
                guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.eventReadColumns) FROM call_events WHERE id = ?", arguments: [eventID])
                else { return nil }
                let event = try Self.event(from: row)
                return CallSummary(
                    callID: event.callID, start: Timestamp(microsecondsSinceEpoch: group[1]), caller: event.caller, callee: event.callee.key,
                    disposition: event.disposition, decision: group[2], events: group[3])
            }
        }
    }
}

extension SQLiteStore: BlockEffectStore {
    /// One read: every call whose counted identity had a number block or redirect in force at its
    /// start (a rule from its creation to its expiry; a removed one also until its removal),
    /// stopped when one of its events carries a block or redirect decision.
    package func callsAfterBlocks(since: Timestamp) throws -> [CallAfterBlock] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    WITH blocks(identity, start, stop) AS (
                        SELECT match_value, created_at, expires_at FROM rules
                        WHERE match_kind = 'number' AND action IN ('block', 'redirect')
                        UNION ALL
                        SELECT match_value, created_at, CASE WHEN expires_at IS NOT NULL AND expires_at < removed_at THEN expires_at ELSE removed_at END
                        FROM rule_history WHERE match_kind = 'number' AND action IN ('block', 'redirect')
                    ),
                    calls AS (
                        SELECT call_id, min(counted_time) AS start, max(coalesce(decision_action IN ('block', 'redirect'), 0)) AS stopped,
                               max(counted_identity) AS identity
                        FROM call_events WHERE counted_time >= ? GROUP BY call_id
                    )
                    SELECT calls.start, calls.stopped FROM calls
                    WHERE EXISTS (SELECT 1 FROM blocks WHERE blocks.identity = calls.identity AND calls.start >= blocks.start
                                  AND (blocks.stop IS NULL OR calls.start < blocks.stop))
                    ORDER BY calls.start
                    """,
                arguments: [since.microsecondsSinceEpoch]
            ).map { row in CallAfterBlock(start: Timestamp(microsecondsSinceEpoch: row[0]), stopped: (row[1] as Int64) != 0) }
        }
    }
}
