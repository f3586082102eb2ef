import Synchronization
package import CallModel
import Foundation
import GRDB
package import Incidents

// MARK: - The alert outbox

extension SQLiteStore {
    /// How far back sinks look for undelivered alerts (``Incidents/AlertOutboxHorizon``).
    static let outboxHorizon = AlertOutboxHorizon.span

    private static let noticeColumns = """
        o.id, o.idempotency_key, o.incident_id, o.event, o.kind, o.severity, o.status, CAST(o.identity AS BLOB), \
        CAST(o.target AS BLOB), CAST(o.detail AS BLOB), o.starts_at, o.ends_at, o.created_at, o.withheld
        """

    /// Alerts `sink` has not delivered, oldest first, each with its attempts and when it is due.
    /// Sinks deliver in this order and stop at the first one not yet due, so that an incident's
    /// alerts reach a receiver in the order they were raised (a resolve never overtakes its firing).
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func pendingAlerts(forSink sink: String, dueAt now: Timestamp, limit: Int) throws -> [PendingAlert] {
        try read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.noticeColumns), COALESCE(d.attempts, 0), d.next_attempt_at
                        FROM alert_outbox AS o
                        LEFT JOIN alert_deliveries AS d ON d.alert_id = o.id AND d.sink = ?
                        WHERE d.delivered_at IS NULL AND o.created_at >= ?
                        ORDER BY o.id LIMIT ?
                        """),
                arguments: [sink, (now - Self.outboxHorizon).microsecondsSinceEpoch, max(limit, 0)])
            return try rows.map { row in
                PendingAlert(
                    notice: try Self.notice(from: row), attempts: try row.decode(atIndex: 14),
                    nextAttemptAt: StoredValue.timestamp(try row.decode(atIndex: 15)))
            }
        }
    }

    /// How many alerts `sink` has not delivered (raised within ``outboxHorizon`` of `now`), due or not.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func pendingAlertCount(forSink sink: String, at now: Timestamp) throws -> Int {
        try read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) FROM alert_outbox AS o
                        LEFT JOIN alert_deliveries AS d ON d.alert_id = o.id AND d.sink = ?
                        WHERE d.delivered_at IS NULL AND o.created_at >= ?
                        """),
                arguments: [sink, (now - Self.outboxHorizon).microsecondsSinceEpoch]) ?? 0
        }
    }

    /// Records that `sink`'s receiver confirmed the alert.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func markDelivered(alertID: Int64, sink: String, at time: Timestamp) throws {
        try write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO alert_deliveries (alert_id, sink, attempts, next_attempt_at, delivered_at)
                    VALUES (?, ?, 0, NULL, ?)
                    ON CONFLICT (alert_id, sink) DO UPDATE SET delivered_at = excluded.delivered_at,
                        next_attempt_at = NULL
                    """
            ).execute(arguments: [alertID, sink, time.microsecondsSinceEpoch])
        }
    }

    /// Records a failed attempt of `sink` and when to try again.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func markFailed(alertID: Int64, sink: String, retryAt: Timestamp, error: String) throws {
        try write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO alert_deliveries (alert_id, sink, attempts, next_attempt_at, last_error)
                    VALUES (?, ?, 1, ?, ?)
                    ON CONFLICT (alert_id, sink) DO UPDATE SET attempts = alert_deliveries.attempts + 1,
                        next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
                    """
            ).execute(arguments: [alertID, sink, retryAt.microsecondsSinceEpoch, String(error.prefix(500))])
        }
    }

    /// The latest alert of every incident that has raised one and is not closed.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func activeAlerts() throws -> [AlertNotice] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.noticeColumns) FROM alert_outbox AS o JOIN incidents AS i ON i.id = o.incident_id
                    WHERE \(Self.isLatestAlertOfAnActiveIncident)
                    ORDER BY o.id
                    """
            ).map(Self.notice(from:))
        }
    }

    /// SQL true for an outbox row `o` that is the latest alert of its incident `i`, which is not
    /// closed: what Alertmanager sinks keep re-sending (``activeAlerts()``), so housekeeping keeps it.
    static let isLatestAlertOfAnActiveIncident = """
        i.status <> 'closed' AND o.id = (SELECT max(id) FROM alert_outbox WHERE incident_id = o.incident_id)
        """

    /// Every alert raised for an incident, oldest first (for `incidents show` and tests).
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func alerts(incidentID: Int64) throws -> [AlertNotice] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.noticeColumns) FROM alert_outbox AS o WHERE incident_id = ? ORDER BY id",
                arguments: [incidentID]
            ).map(Self.notice(from:))
        }
    }

    /// Writes the ledger's alert for an incident into the outbox, inside the caller's transaction;
    /// returns its idempotency key (`msg_` and 32 hex digits, unique across stores). Its
    /// `created_at` is the processing time now, whatever time the change itself carries. Once that
    /// transaction commits, ``onAlertCommitted`` is called (not when it rolls back).
    func enqueueAlert(_ alert: AlertDraft, incidentID: Int64, _ db: Database) throws -> String {
        let now = clock.now()
        let key = "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try db.cachedStatement(
            sql: """
                INSERT INTO alert_outbox (idempotency_key, incident_id, event, kind, severity, status, identity, target,
                                          detail, starts_at, ends_at, created_at, withheld)
                VALUES (?, ?, ?, ?, ?, ?, \(FullLengthText.placeholder), \(FullLengthText.placeholder), \(FullLengthText.placeholder),
                        ?, ?, ?, (SELECT withheld FROM incidents WHERE id = ?))
                """
        ).execute(arguments: [
            key, incidentID, alert.event.rawValue, alert.kind.rawValue, alert.severity.rawValue, alert.status.rawValue,
            FullLengthText.argument(alert.identity), FullLengthText.argument(alert.target), FullLengthText.argument(alert.detail), alert.startsAt.microsecondsSinceEpoch,
            alert.endsAt?.microsecondsSinceEpoch, now.microsecondsSinceEpoch, incidentID,
        ])
        // Once per transaction, however many alerts it writes: every registered callback is a
        // transaction observer that GRDB consults on each later statement, so one per alert made a
        // commit of thousands of detections quadratic.
        if let onAlertCommitted, alertRingConnections.withLock({ $0.insert(ObjectIdentifier(db)).inserted }) {
            let connection = ObjectIdentifier(db)
            db.afterNextTransaction(
                onCommit: { _ in
                    _ = alertRingConnections.withLock { $0.remove(connection) }
                    onAlertCommitted()
                },
                onRollback: { _ in _ = alertRingConnections.withLock { $0.remove(connection) } })
        }
        return key
    }

    private static func notice(from row: Row) throws -> AlertNotice {
        AlertNotice(
            id: try row.decode(atIndex: 0),
            key: try row.decode(atIndex: 1),
            incidentID: try row.decode(atIndex: 2),
            event: try StoredValue.decode(row.decode(atIndex: 3), as: AlertEvent.self, column: "alert_outbox.event"),
            kind: try StoredValue.decode(row.decode(atIndex: 4), as: IncidentKind.self, column: "alert_outbox.kind"),
            severity: try StoredValue.decode(row.decode(atIndex: 5), as: IncidentSeverity.self, column: "alert_outbox.severity"),
            status: try StoredValue.decode(row.decode(atIndex: 6), as: IncidentStatus.self, column: "alert_outbox.status"),
            identity: try row.fullText(atIndex: 7) ?? "",
            target: try row.fullText(atIndex: 8) ?? "",
            detail: try row.fullText(atIndex: 9) ?? "",
            startsAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 10)),
            endsAt: StoredValue.timestamp(try row.decode(atIndex: 11)),
            createdAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 12)),
            withheld: try row.decode(Int64.self, atIndex: 13) == 1)
    }
}

/// Write connections whose current transaction already rings the dispatcher when it commits.
private let alertRingConnections = Mutex<Set<ObjectIdentifier>>([])
