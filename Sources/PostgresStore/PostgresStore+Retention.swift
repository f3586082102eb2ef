package import CallModel
import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - Retention on the shared store (run by the node holding the `retention` lease)

/// What one ``PostgresStore/purge(_:lease:grant:)`` step removed.
package struct SharedPurgeCounts: Sendable, Hashable {
    package var calls = 0
    package var incidents: [Int64] = []
    package var alerts = 0
    package var pushedEventKeys = 0
    /// Recording links of ordinary calls (those of a purged incident's calls are in its audit entry).
    package var recordings = 0

    package init() {}

    /// Whether the step removed anything (another step may find more).
    package var isEmpty: Bool { calls == 0 && incidents.isEmpty && alerts == 0 && pushedEventKeys == 0 && recordings == 0 }
}

/// The cut-offs of one purge step, computed by the caller from `store.retention` and its clock.
package struct SharedPurge: Sendable, Hashable {
    /// Ordinary calls (no incident rests on them) counted before this go.
    package var callsBefore: Timestamp
    /// Closed incidents whose last change is before this go, with everything they rest on.
    package var closedIncidentsBefore: Timestamp
    /// Alerts raised before this go once no sink in ``sinks`` still has them pending.
    package var alertsBefore: Timestamp
    package var sinks: Set<String>
    /// Pushed-event keys stored before this go.
    package var pushedEventKeysBefore: Timestamp
    /// Processing time now (the audit entry's time; the outbox horizon).
    package var now: Timestamp
    /// The most rows of each kind one step removes (each kind in its own short transaction).
    package var limit: Int

    package init(
        callsBefore: Timestamp, closedIncidentsBefore: Timestamp, alertsBefore: Timestamp, sinks: Set<String>,
        pushedEventKeysBefore: Timestamp, now: Timestamp, limit: Int
    ) {
        self.callsBefore = callsBefore
        self.closedIncidentsBefore = closedIncidentsBefore
        self.alertsBefore = alertsBefore
        self.sinks = sinks
        self.pushedEventKeysBefore = pushedEventKeysBefore
        self.now = now
        self.limit = limit
    }
}

extension PostgresStore {
    /// One step of retention over every node's rows, with the semantics of `SQLiteStore`'s
    /// housekeeping: ordinary calls go after `store.retention.calls` (a call linked to an incident
    /// stays with it); a closed incident goes after `store.retention.incidents` with its calls,
    /// links, detections, log, alerts and the audit entries about it, and the purge is audited
    /// (`retention.purge`, counts only); an incident that is not closed is under legal hold; alerts
    /// go once no sink has them pending, except the latest of an incident not closed; pushed-event
    /// keys go after their period. Each part is its own transaction, fenced by `grant` (a node that
    /// lost the `retention` lease deletes nothing: ``PostgresStoreError/Code/fenced``).
    ///
    /// Recording links go with their calls, as in SQLite: an ordinary call's links made before the
    /// calls' cut-off, a purged incident's calls' links with it.
    ///
    /// A flagged call is held by its flag as by a link (its incident keeps it). Every delete of a
    /// chained row is a `delete` entry in the evidence chain (`pg-11-evidence-chain`).
    ///
    /// Deliberately not handled: giving space back to the file system (PostgreSQL's autovacuum reuses it).
    package func purge(_ purge: SharedPurge, lease: PostgresJobLease, grant: PostgresJobLease.Grant) throws -> SharedPurgeCounts {
        var counts = SharedPurgeCounts()
        let limit = Int64(max(purge.limit, 1))
        (counts.calls, counts.recordings) = try session.transaction { transaction in
            try Self.requireLease(lease, grant, transaction)
            let calls = try transaction.execute(
                """
                DELETE FROM call_events WHERE id IN (
                    SELECT e.id FROM call_events AS e
                    WHERE e.counted_time < \(purge.callsBefore.microsecondsSinceEpoch)
                      AND NOT EXISTS (SELECT 1 FROM incident_calls AS l WHERE l.call_id = e.call_id)
                      AND NOT EXISTS (SELECT 1 FROM mcid_flags AS f WHERE f.call_id = e.call_id)
                    ORDER BY e.counted_time LIMIT \(limit))
                """)
            // The recording links of such calls made before the cut-off, as SQLite purges them.
            let recordings = try transaction.execute(
                """
                DELETE FROM recordings WHERE id IN (
                    SELECT r.id FROM recordings AS r
                    WHERE r.linked_at < \(purge.callsBefore.microsecondsSinceEpoch)
                      AND NOT EXISTS (SELECT 1 FROM incident_calls AS l WHERE l.call_id = r.call_id)
                      AND NOT EXISTS (SELECT 1 FROM mcid_flags AS f WHERE f.call_id = r.call_id)
                    ORDER BY r.id LIMIT \(limit))
                """)
            return (calls, recordings)
        }
        while counts.incidents.count < purge.limit, let id = try purgeNextClosedIncident(purge, lease: lease, grant: grant) {
            counts.incidents.append(id)
        }
        counts.alerts = try session.transaction { transaction in
            try Self.requireLease(lease, grant, transaction)
            let horizon = (purge.now - PostgresAlertOutbox.horizon).microsecondsSinceEpoch
            return try transaction.execute(
                """
                DELETE FROM alert_outbox WHERE id IN (
                    SELECT o.id FROM alert_outbox AS o JOIN incidents AS i ON i.id = o.incident_id
                    WHERE o.created_at < \(purge.alertsBefore.microsecondsSinceEpoch)
                      AND (o.created_at < \(horizon) OR NOT EXISTS (
                          SELECT 1 FROM unnest(\(Array(purge.sinks))::text[]) AS s(sink)
                          WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries AS d
                                            WHERE d.alert_id = o.id AND d.sink = s.sink AND d.delivered_at IS NOT NULL)))
                      AND NOT (i.status <> 'closed' AND o.id = (SELECT max(id) FROM alert_outbox WHERE incident_id = o.incident_id))
                    ORDER BY o.id LIMIT \(limit))
                """)
        }
        counts.pushedEventKeys = try session.transaction { transaction in
            try Self.requireLease(lease, grant, transaction)
            return try transaction.execute(
                """
                DELETE FROM pushed_event_keys WHERE ctid IN (
                    SELECT ctid FROM pushed_event_keys WHERE stored_at < \(purge.pushedEventKeysBefore.microsecondsSinceEpoch)
                    LIMIT \(limit))
                """)
        }
        return counts
    }

    /// Purges the next incident closed before the cut-off with everything it rests on, audited;
    /// nil when none is due.
    private func purgeNextClosedIncident(
        _ purge: SharedPurge, lease: PostgresJobLease, grant: PostgresJobLease.Grant
    ) throws -> Int64? {
        try session.transaction { transaction -> Int64? in
            try Self.requireLease(lease, grant, transaction)
            let rows = try transaction.rows(
                """
                SELECT id FROM incidents WHERE status = 'closed' AND updated_at < \(purge.closedIncidentsBefore.microsecondsSinceEpoch)
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
            guard let id = try rows.first?.decode(Int64.self) else { return nil }
            let removed = try Self.deleteIncident(id, transaction)
            let described = removed.filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)" }
            try Self.appendAudit(
                AuditEntry(
                    time: purge.now, actor: "retention", action: "retention.purge", subject: "incident \(id)",
                    detail: "closed before \(purge.closedIncidentsBefore.rfc3339); removed "
                        + (described.isEmpty ? "nothing" : described.joined(separator: ", "))),
                transaction)
            return id
        }
    }

    /// Deletes an incident and everything it rests on, calls first (a call also linked to another
    /// incident stays with it), then recording links, links, detections, log, flags, alerts, the
    /// audit entries about it and the incident; the counts per table, in that order. Every delete
    /// of a chained row is a `delete` entry in the evidence chain.
    static func deleteIncident(_ id: Int64, _ transaction: PostgresSession.Transaction) throws -> [(String, Int)] {
        var removed: [(String, Int)] = []
        func run(_ table: String, _ query: PostgresQuery) throws {
            removed.append((table, try transaction.execute(query)))
        }
        try run(
            "call_events",
            """
            DELETE FROM call_events WHERE call_id IN (
                SELECT l.call_id FROM incident_calls AS l WHERE l.incident_id = \(id)
                  AND NOT EXISTS (SELECT 1 FROM incident_calls AS o WHERE o.call_id = l.call_id AND o.incident_id <> \(id)))
            """)
        try run(
            "recordings",
            """
            DELETE FROM recordings WHERE call_id IN (
                SELECT l.call_id FROM incident_calls AS l WHERE l.incident_id = \(id)
                  AND NOT EXISTS (SELECT 1 FROM incident_calls AS o WHERE o.call_id = l.call_id AND o.incident_id <> \(id)))
            """)
        try run("incident_calls", "DELETE FROM incident_calls WHERE incident_id = \(id)")
        try run("detections", "DELETE FROM detections WHERE incident_id = \(id)")
        try run("incident_log", "DELETE FROM incident_log WHERE incident_id = \(id)")
        try run("mcid_flags", "DELETE FROM mcid_flags WHERE incident_id = \(id)")
        try run("alert_outbox", "DELETE FROM alert_outbox WHERE incident_id = \(id)")
        try run("audit_log", "DELETE FROM audit_log WHERE subject = \(ByteBuffer(string: "incident \(id)"))")
        try run("incidents", "DELETE FROM incidents WHERE id = \(id)")
        return removed
    }
}
