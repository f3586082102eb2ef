package import CallModel
package import CallwardenPorts
import Incidents
import NIOCore
import PostgresNIO

// MARK: - Cross-site detection: every node's events, read once, by the node holding its lease

/// Events of every node that the cross-site detector has not read yet, and the cursors that
/// reading them advances to.
package struct CrossSiteEvents: Sendable {
    /// Oldest counted time first (ties in storage order).
    package var events: [CallEvent]
    /// Per node, the last event id read (with the ones read before): what ``PostgresStore/commitCrossSite(_:cursors:lease:grant:)`` records.
    package var cursors: [String: Int64]
}

extension PostgresStore {
    /// Up to `limit` events stored by any node after that node's cursor, in storage order per node,
    /// returned sorted by counted time. A node commits through one connection, one batch at a
    /// time, so its ids become visible in order and a cursor per node never skips an event that
    /// commits later (one global cursor would: ids of two nodes commit out of order).
    package func crossSiteEvents(limit: Int) throws -> CrossSiteEvents {
        let rows = try session.query(
            """
            SELECT \(unescaped: Self.eventReadColumns), e.node, e.id
            FROM call_events AS e LEFT JOIN detection_cursors AS c ON c.node = e.node
            WHERE e.id > COALESCE(c.last_id, 0)
            ORDER BY e.id LIMIT \(Int64(max(limit, 1)))
            """)
        var events: [(time: Timestamp, id: Int64, event: CallEvent)] = []
        var cursors: [String: Int64] = [:]
        for row in rows {
            let cells = row.makeRandomAccess()
            let node = try cells[20].decode(String.self)
            let id = try cells[21].decode(Int64.self)
            let event = try Self.event(from: row)
            events.append((event.countedTime, id, event))
            cursors[node] = max(cursors[node] ?? 0, id)
        }
        events.sort { ($0.time, $0.id) < ($1.time, $1.id) }
        return CrossSiteEvents(events: events.map(\.event), cursors: cursors)
    }

    /// Events every node stored in the detection window before the cursors (for a new holder's
    /// warm-up), oldest first; the newest `limit` when there are more.
    package func crossSiteHistory(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] {
        let rows = try session.query(
            """
            SELECT \(unescaped: Self.eventReadColumns) FROM (
                SELECT e.* FROM call_events AS e JOIN detection_cursors AS c ON c.node = e.node AND e.id <= c.last_id
                WHERE e.counted_time >= \(since.microsecondsSinceEpoch)
                ORDER BY e.counted_time DESC, e.id DESC LIMIT \(Int64(max(limit, 0)))) AS newest
            ORDER BY counted_time, id
            """)
        return try rows.map(Self.event(from:))
    }

    /// Commits what the cross-site detector found in one transaction, only while `grant` is this
    /// holder's tenure of `lease` (the lease row is held `FOR SHARE` meanwhile): its detections
    /// with their incidents and alerts (``IncidentLedger``), its automatic rules, and the cursors.
    /// An episode that ended before the latest cutoff of any node's history import is historical
    /// (``upsertDetections(_:historyCutoff:_:)``).
    /// The batch's events are ignored: they are stored already.
    ///
    /// - Throws: ``PostgresStoreError`` `.fenced` when the lease changed hands (nothing is written).
    package func commitCrossSite(
        _ batch: IngestBatch, cursors: [String: Int64], lease: PostgresJobLease, grant: PostgresJobLease.Grant
    ) throws {
        let alerted = try session.transaction { transaction -> Bool in
            try Self.requireLease(lease, grant, transaction)
            try Self.lockIncidentKeys(batch.detections.map(IncidentKey.init(detection:)), transaction)
            // Any node's history import: what ended before the latest cutoff is history.
            let alerted = try upsertDetections(batch.detections, historyCutoff: try Self.latestHistoryCutoff(transaction), transaction)
            for rule in batch.rules {
                _ = try Self.insertRule(rule, actor: "detection", auditAction: "rule.auto-add", transaction)
            }
            for (node, lastID) in cursors.sorted(by: { $0.key < $1.key }) {
                try transaction.execute(
                    """
                    INSERT INTO detection_cursors (node, last_id) VALUES (\(node), \(lastID))
                    ON CONFLICT (node) DO UPDATE SET last_id = greatest(detection_cursors.last_id, excluded.last_id)
                    """)
            }
            return alerted
        }
        if alerted { onAlertCommitted?() }
    }

    /// Throws `.fenced` unless `grant` is `lease`'s current, unexpired tenure; holds the lease row
    /// `FOR SHARE` until the caller's transaction ends, so it cannot change hands meanwhile.
    static func requireLease(
        _ lease: PostgresJobLease, _ grant: PostgresJobLease.Grant, _ transaction: PostgresSession.Transaction
    ) throws {
        guard try holdsLease(lease, grant, transaction) else {
            throw PostgresStoreError(code: .fenced, message: "lease \(lease.job) (fence \(grant.fence)) is no longer held by this node")
        }
    }

    /// Whether `grant` is `lease`'s current, unexpired tenure; the lease row is then held
    /// `FOR SHARE` until the caller's transaction ends, so it cannot change hands meanwhile.
    static func holdsLease(
        _ lease: PostgresJobLease, _ grant: PostgresJobLease.Grant, _ transaction: PostgresSession.Transaction
    ) throws -> Bool {
        !(try transaction.rows(
            """
            SELECT 1 FROM job_leases
            WHERE job = \(lease.job) AND holder = \(lease.holder) AND fence = \(grant.fence) AND expires_at > now()
            FOR SHARE
            """
        ).isEmpty)
    }
}
