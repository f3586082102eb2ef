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
            conditions.append("(CAST(callee_key AS BLOB) = CAST(? AS BLOB) OR CAST(caller_extension AS BLOB) = CAST(? AS BLOB))")
            arguments += [key, key]
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
