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

    /// Deletes at most `limit` idempotency keys of pushed events stored before `cutoff`, in one
    /// transaction, and returns how many. A sender that resends such an event after its key is
    /// gone has it stored a second time: `cutoff` must lie further back than any sender may
    /// resend what it never saw acknowledged (see `store.retention.pushed_event_keys`).
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func purgePushedEventKeys(storedBefore cutoff: Timestamp, limit: Int) throws -> Int {
        guard limit > 0 else { return 0 }
        return try write { db in
            try db.cachedStatement(
                sql: """
                    DELETE FROM pushed_event_keys WHERE (source, call_id, phase, time) IN (
                        SELECT source, call_id, phase, time FROM pushed_event_keys WHERE stored_at < ? LIMIT ?)
                    """
            ).execute(arguments: [cutoff.microsecondsSinceEpoch, limit])
            return db.changesCount
        }
    }
}
