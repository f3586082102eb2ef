package import CallModel
import GRDB

// MARK: - Retention: what housekeeping may remove

extension SQLiteStore {
    /// Deletes at most `limit` alerts that no longer serve anyone, in one transaction, oldest
    /// first, and returns how many. An alert goes when all of this holds:
    /// - it was raised before `cutoff`;
    /// - no sink in `sinks` still has it pending: each confirmed it (delivered, or refused it for
    ///   good), or it is older than the outbox horizon of `now` (a week), after which no sink offers
    ///   it any more (``pendingAlerts(forSink:dueAt:limit:)``);
    /// - it is not the latest alert of an incident that is not closed, which Alertmanager sinks
    ///   re-send while the incident is active (``activeAlerts()``).
    /// Its per-sink delivery rows go with it. Incidents, detections, MCID flags and the incident log
    /// are evidence and are never touched here.
    ///
    /// - Parameter sinks: the names of every configured sink (`webhook:security`, `journal`); an
    ///   alert is not delivered to a sink this list leaves out.
    /// - Throws: ``SQLiteStoreError``.
    package func purgeAlerts(createdBefore cutoff: Timestamp, sinks: Set<String>, now: Timestamp, limit: Int) throws -> Int {
        guard limit > 0 else { return 0 }
        let sinks = sinks.sorted()
        let confirmedByEverySink =
            sinks.isEmpty
            ? "1"
            : """
            (SELECT count(*) FROM alert_deliveries AS d
             WHERE d.alert_id = o.id AND d.delivered_at IS NOT NULL
               AND d.sink IN (\(Array(repeating: "?", count: sinks.count).joined(separator: ", ")))) = \(sinks.count)
            """
        var arguments: StatementArguments = [
            cutoff.microsecondsSinceEpoch, (now - Self.outboxHorizon).microsecondsSinceEpoch,
        ]
        arguments += StatementArguments(sinks)
        arguments += [limit]
        return try write { db in
            try db.execute(
                sql: """
                    DELETE FROM alert_outbox WHERE id IN (
                        SELECT o.id FROM alert_outbox AS o JOIN incidents AS i ON i.id = o.incident_id
                        WHERE o.created_at < ?
                          AND NOT (\(Self.isLatestAlertOfAnActiveIncident))
                          AND (o.created_at < ? OR \(confirmedByEverySink))
                        ORDER BY o.id LIMIT ?)
                    """,
                arguments: arguments)
            return db.changesCount
        }
    }

    /// One step of the purge of pushed-event keys stored before `cutoff`: reads the next `limit`
    /// keys in primary-key order after `position` (nil: from the start; a read, which never holds
    /// up the writer), deletes those among them stored before `cutoff` in one short transaction,
    /// and returns how many it deleted and where the next step resumes (nil: the walk is done).
    ///
    /// A sender that resends an event after its key is gone has it stored a second time: `cutoff`
    /// must lie further back than any sender resends what it never saw acknowledged (see
    /// `store.retention.pushed_event_keys`). The walk is a full pass over the table because
    /// `stored_at` has no index, so that commits do not pay for one (see migration v5).
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func purgePushedEventKeys(
        storedBefore cutoff: Timestamp, after position: PushedEventKeyPosition?, limit: Int
    ) throws -> (purged: Int, next: PushedEventKeyPosition?) {
        guard limit > 0 else { return (0, position) }
        let (expired, scanned, last): ([PushedEventKeyPosition], Int, PushedEventKeyPosition?) = try read { db in
            // Call ids whole, NUL included (``FullLengthText``): the walk resumes after the very key it
            // read, and the delete finds it.
            let columns = "SELECT source, CAST(call_id AS BLOB), phase, time, stored_at FROM pushed_event_keys"
            let order = "ORDER BY source, call_id, phase, time LIMIT ?"
            let rows: [Row]
            if let position {
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: "\(columns) WHERE (source, call_id, phase, time) > (?, \(FullLengthText.placeholder), ?, ?) \(order)"),
                    arguments: [position.source, FullLengthText.argument(position.callID), position.phase, position.time, limit])
            } else {
                rows = try Row.fetchAll(db.cachedStatement(sql: "\(columns) \(order)"), arguments: [limit])
            }
            let keys = try rows.map { row in
                PushedEventKeyPosition(source: row[0], callID: try row.fullText(atIndex: 1) ?? "", phase: row[2], time: row[3])
            }
            let expired = zip(rows, keys).compactMap { row, key -> PushedEventKeyPosition? in
                let storedAt: Int64? = row[4]
                return storedAt.map { $0 < cutoff.microsecondsSinceEpoch } == true ? key : nil
            }
            return (expired, rows.count, keys.last)
        }
        if !expired.isEmpty {
            try write { db in
                let delete = try db.cachedStatement(
                    sql: """
                        DELETE FROM pushed_event_keys
                        WHERE source = ? AND call_id = \(FullLengthText.placeholder) AND phase = ? AND time = ?
                        """)
                for key in expired {
                    try delete.execute(arguments: [key.source, FullLengthText.argument(key.callID), key.phase, key.time])
                }
            }
        }
        return (expired.count, scanned == limit ? last : nil)
    }
}

/// Where a walk over `pushed_event_keys` in primary-key order stands (the last key it read).
package struct PushedEventKeyPosition: Hashable, Sendable {
    var source: String
    var callID: String
    var phase: String
    var time: Int64
}
