package import CallModel
package import Incidents
import NIOCore
import PostgresNIO

/// The shared alert outbox as one node's dispatcher sees it while it holds the outbox's
/// ``PostgresJobLease`` (``grant``): reads are plain; every delivery mark is **fenced** — written
/// in one transaction that first locks the lease row (`FOR SHARE`, so the lease cannot change hands
/// until the mark commits) and checks that this holder still holds this tenure. A node that paused
/// past its lease, or whose job was taken over, gets ``Incidents/AlertOutboxLost`` (its dispatcher
/// then stops) and writes nothing: the next holder delivers what it had not marked.
///
/// What fencing cannot do: take back a request already sent. An alert whose receiver answered
/// after the lease ended, or whose sender died before marking it, is sent again by the next
/// holder with the same idempotency key (``AlertNotice/key``: the webhook's `webhook-id`, and
/// Alertmanager groups by the alert's labels), so a receiver sees it twice at worst and can tell.
///
/// Deliberately not handled: alerts a week old or more are not offered (as in SQLite).
package struct PostgresAlertOutbox: AlertOutbox {
    package let store: PostgresStore
    package let lease: PostgresJobLease
    package let grant: PostgresJobLease.Grant

    /// How far back sinks look for undelivered alerts (``Incidents/AlertOutboxHorizon``, as in SQLite).
    static let horizon = AlertOutboxHorizon.span

    package init(lease: PostgresJobLease, grant: PostgresJobLease.Grant) {
        self.store = lease.store
        self.lease = lease
        self.grant = grant
    }

    package func pendingAlerts(forSink sink: String, dueAt now: Timestamp, limit: Int) throws -> [PendingAlert] {
        try store.session.query(
            """
            SELECT \(unescaped: PostgresStore.noticeColumns), COALESCE(d.attempts, 0), d.next_attempt_at
            FROM alert_outbox AS o LEFT JOIN alert_deliveries AS d ON d.alert_id = o.id AND d.sink = \(sink)
            WHERE d.delivered_at IS NULL AND o.created_at >= \((now - Self.horizon).microsecondsSinceEpoch)
            ORDER BY o.id LIMIT \(Int64(max(limit, 0)))
            """
        ).map { row in
            let columns = row.makeRandomAccess()
            return PendingAlert(
                notice: try PostgresStore.notice(from: row), attempts: Int(try columns[15].decode(Int64.self)),
                nextAttemptAt: try columns[16].decode(Int64?.self).map(Timestamp.init(microsecondsSinceEpoch:)))
        }
    }

    package func pendingAlertCount(forSink sink: String, at now: Timestamp) throws -> Int {
        let rows = try store.session.query(
            """
            SELECT count(*) FROM alert_outbox AS o LEFT JOIN alert_deliveries AS d ON d.alert_id = o.id AND d.sink = \(sink)
            WHERE d.delivered_at IS NULL AND o.created_at >= \((now - Self.horizon).microsecondsSinceEpoch)
            """)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// Records the delivery under this tenure; the first delivery's time and fence stay.
    ///
    /// - Throws: ``Incidents/AlertOutboxLost`` when this holder no longer holds the lease.
    package func markDelivered(alertID: Int64, sink: String, at time: Timestamp) throws {
        try fenced { transaction in
            try transaction.execute(
                """
                INSERT INTO alert_deliveries (alert_id, sink, attempts, next_attempt_at, delivered_at, fence)
                VALUES (\(alertID), \(sink), 0, NULL, \(time.microsecondsSinceEpoch), \(grant.fence))
                ON CONFLICT (alert_id, sink) DO UPDATE SET delivered_at = excluded.delivered_at,
                    next_attempt_at = NULL, fence = excluded.fence
                WHERE alert_deliveries.delivered_at IS NULL
                """)
        }
    }

    /// Records a failed attempt under this tenure.
    ///
    /// - Throws: ``Incidents/AlertOutboxLost`` when this holder no longer holds the lease.
    package func markFailed(alertID: Int64, sink: String, retryAt: Timestamp, error: String) throws {
        try fenced { transaction in
            try transaction.execute(
                """
                INSERT INTO alert_deliveries (alert_id, sink, attempts, next_attempt_at, last_error, fence)
                VALUES (\(alertID), \(sink), 1, \(retryAt.microsecondsSinceEpoch), \(String(error.prefix(500))), \(grant.fence))
                ON CONFLICT (alert_id, sink) DO UPDATE SET attempts = alert_deliveries.attempts + 1,
                    next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error, fence = excluded.fence
                WHERE alert_deliveries.delivered_at IS NULL
                """)
        }
    }

    package func activeAlerts() throws -> [AlertNotice] {
        try store.session.query(
            """
            SELECT \(unescaped: PostgresStore.noticeColumns) FROM alert_outbox AS o JOIN incidents AS i ON i.id = o.incident_id
            WHERE i.status <> 'closed' AND o.id = (SELECT max(id) FROM alert_outbox WHERE incident_id = o.incident_id)
            ORDER BY o.id
            """
        ).map(PostgresStore.notice(from:))
    }

    /// Runs `body` in a transaction that holds this tenure's lease row: nothing is written unless
    /// the lease is still this holder's, with this fence, unexpired on the server's clock.
    private func fenced(_ body: (PostgresSession.Transaction) throws -> Void) throws {
        let held = try store.session.transaction { transaction -> Bool in
            guard try PostgresStore.holdsLease(lease, grant, transaction) else { return false }
            try body(transaction)
            return true
        }
        guard held else { throw AlertOutboxLost("lease \(lease.job) (fence \(grant.fence)) is no longer held by this node") }
    }
}

extension PostgresStore {
    static let noticeColumns = """
        o.id, o.idempotency_key, o.incident_id, o.event, o.kind, o.severity, o.status, o.identity, o.target, o.detail, \
        o.starts_at, o.ends_at, o.created_at, o.withheld, o.node
        """

    static func notice(from row: PostgresRow) throws -> AlertNotice {
        let columns = row.makeRandomAccess()
        func column<T: PostgresDecodable>(_ index: Int, _: T.Type = T.self) throws -> T { try columns[index].decode(T.self) }
        return AlertNotice(
            id: try column(0), key: try column(1), incidentID: try column(2),
            event: try decoded(try column(3), "alert_outbox.event"), kind: try decoded(try column(4), "alert_outbox.kind"),
            severity: try decoded(try column(5), "alert_outbox.severity"), status: try decoded(try column(6), "alert_outbox.status"),
            identity: String(buffer: try column(7, ByteBuffer.self)), target: String(buffer: try column(8, ByteBuffer.self)),
            detail: String(buffer: try column(9, ByteBuffer.self)),
            startsAt: Timestamp(microsecondsSinceEpoch: try column(10)),
            endsAt: try column(11, Int64?.self).map(Timestamp.init(microsecondsSinceEpoch:)),
            createdAt: Timestamp(microsecondsSinceEpoch: try column(12)), withheld: try column(13))
    }
}
