import CallModel
import CallwardenPorts
import Foundation
import Incidents
import NIOCore
import PostgresNIO

// MARK: - Incidents: reading the ledger's state and executing its plans

/// What executing an ``IncidentPlan`` wrote that the caller needs next.
struct ExecutedIncidentPlan {
    var incidentID: Int64
    /// The idempotency key of the alert written, if any.
    var alertKey: String?
    /// The id of the rule added, if any (an MCID flag's block or redirect).
    var ruleID: Int64?
}

extension PostgresStore {
    /// The ledger deciding incident changes with this store's ``alertPolicy``: the same rules
    /// `SQLiteStore` executes.
    var ledger: IncidentLedger { IncidentLedger(policy: alertPolicy) }

    private static let stateColumns = incidentHeadColumns + ", alerted_action, last_detection_alert"

    /// Serialises, across every node, the transactions that may open or touch the incident with
    /// one of `keys`: each takes a transaction-scoped advisory lock per key, in ascending order (so
    /// two batches locking the same keys cannot deadlock), before reading the unclosed incident.
    /// Without it two nodes seeing the same harasser at once would both find no incident and both
    /// open one (the partial unique index would then refuse the second batch whole).
    static func lockIncidentKeys(_ keys: some Sequence<IncidentKey>, _ transaction: PostgresSession.Transaction) throws {
        for lock in Set(keys.map(advisoryLock(for:))).sorted() {
            try transaction.execute("SELECT pg_advisory_xact_lock(\(lock))")
        }
    }

    /// A stable 64-bit FNV-1a hash of the key (the same on every node and every run; Swift's
    /// `Hasher` is seeded per process). Two keys with the same hash only wait for each other.
    static func advisoryLock(for key: IncidentKey) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        mix(key.kind.rawValue.utf8)
        mix([0])
        mix(key.identity.utf8)
        mix([0])
        mix(key.target.utf8)
        // Keep clear of the migration lock's small constant space: the top bit is always set.
        return Int64(bitPattern: hash | 0x8000_0000_0000_0000)
    }

    /// The unclosed incident with `key`, inside the caller's transaction (after ``lockIncidentKeys(_:_:)``).
    static func openIncidentState(_ key: IncidentKey, _ transaction: PostgresSession.Transaction) throws -> IncidentState? {
        try transaction.rows(
            """
            SELECT \(unescaped: stateColumns) FROM incidents
            WHERE kind = \(key.kind.rawValue) AND identity = \(ByteBuffer(string: key.identity))
              AND target = \(ByteBuffer(string: key.target)) AND status <> 'closed'
            """
        ).first.map(incidentState(from:))
    }

    /// The incident with `id`, locked for the rest of the caller's transaction (a status change
    /// made on two nodes at once is decided one after the other).
    static func incidentState(id: Int64, _ transaction: PostgresSession.Transaction) throws -> IncidentState? {
        try transaction.rows("SELECT \(unescaped: stateColumns) FROM incidents WHERE id = \(id) FOR UPDATE")
            .first.map(incidentState(from:))
    }

    private static func incidentState(from row: PostgresRow) throws -> IncidentState {
        let cells = row.makeRandomAccess()
        let head = try IncidentHead(cells)
        let action = try cells[8].decode(String?.self, context: .default)
        let lastAlert = try cells[9].decode(Int64?.self, context: .default)
        return IncidentState(
            id: head.id, key: head.key, severity: head.severity, status: head.status, openedAt: head.openedAt,
            updatedAt: head.updatedAt,
            alerts: IncidentAlertState(
                highestAction: try action.map { try decoded($0, "incidents.alerted_action") },
                lastDetectionAlert: lastAlert.map(Timestamp.init(microsecondsSinceEpoch:))))
    }

    /// The eight columns every read of an incident row starts with (``incidentHeadColumns``).
    struct IncidentHead {
        var id: Int64
        var key: IncidentKey
        var severity: IncidentSeverity
        var status: IncidentStatus
        var openedAt: Timestamp
        var updatedAt: Timestamp

        init(_ cells: PostgresRandomAccessRow) throws {
            func value<T: PostgresDecodable>(_ index: Int, _: T.Type) throws -> T { try cells[index].decode(T.self, context: .default) }
            id = try value(0, Int64.self)
            key = IncidentKey(
                kind: try decoded(try value(1, String.self), "incidents.kind"), identity: String(buffer: try value(2, ByteBuffer.self)),
                target: String(buffer: try value(3, ByteBuffer.self)))
            severity = try decoded(try value(4, String.self), "incidents.severity")
            status = try decoded(try value(5, String.self), "incidents.status")
            openedAt = Timestamp(microsecondsSinceEpoch: try value(6, Int64.self))
            updatedAt = Timestamp(microsecondsSinceEpoch: try value(7, Int64.self))
        }
    }

    /// The columns ``IncidentHead`` reads, first in every incident read.
    static let incidentHeadColumns = "id, kind, identity, target, severity, status, opened_at, updated_at"

    static func decoded<T: RawRepresentable>(_ text: String, _ column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw PostgresStoreError(code: .invalidData, message: "\(column) holds an unknown value")
        }
        return value
    }

    /// Executes the ledger's plan inside the caller's transaction, in the plan's order; decides
    /// nothing. The incident row is written by one statement (an `INSERT` for a new incident, one
    /// `UPDATE` otherwise, none when nothing of it changes), as in `SQLiteStore`.
    /// A rule the plan adds (an MCID flag's block or redirect) is inserted and audited `rule.add`,
    /// and reaches every node's matcher like any rule.
    func execute(_ plan: IncidentPlan, _ transaction: PostgresSession.Transaction) throws -> ExecutedIncidentPlan {
        let withheld = try Self.anyWithheld(plan.links, transaction)
        let alerts = plan.alertState
        let incidentID: Int64
        switch plan.incident {
        case .open(let new):
            let rows = try transaction.rows(
                """
                INSERT INTO incidents (kind, identity, target, severity, status, opened_at, updated_at, detection_count,
                                       suppressed_alerts, alerted_action, last_detection_alert, withheld)
                VALUES (\(new.key.kind.rawValue), \(ByteBuffer(string: new.key.identity)), \(ByteBuffer(string: new.key.target)),
                        \(new.severity.rawValue), 'open', \(new.openedAt.microsecondsSinceEpoch),
                        \(new.updatedAt.microsecondsSinceEpoch), \(plan.countsDetection ? Int64(1) : 0),
                        \(plan.suppressesAlert ? Int64(1) : 0), \(alerts?.highestAction?.rawValue),
                        \(alerts?.lastDetectionAlert?.microsecondsSinceEpoch), \(withheld))
                RETURNING id
                """)
            guard let id = try rows.first?.decode(Int64.self) else {
                throw PostgresStoreError(code: .database, message: "opening an incident returned no id")
            }
            incidentID = id
        case .update(let id, let status, let updatedAt):
            try Self.updateIncident(id, status: status, updatedAt: updatedAt, plan, withheld: withheld, transaction)
            incidentID = id
        case .keep(let id):
            try Self.updateIncident(id, status: nil, updatedAt: nil, plan, withheld: withheld, transaction)
            incidentID = id
        }
        for entry in plan.log {
            try Self.appendIncidentLog(incidentID, entry, transaction)
        }
        for callID in plan.links {
            try transaction.execute(
                """
                INSERT INTO incident_calls (incident_id, call_id, linked_at)
                VALUES (\(incidentID), \(ByteBuffer(string: callID)), \(plan.linkedAt.microsecondsSinceEpoch))
                ON CONFLICT DO NOTHING
                """)
        }
        let ruleID = try plan.rule.map { addition in
            try Self.insertRule(addition.rule, actor: addition.actor, auditAction: "rule.add", transaction).id ?? 0
        }
        let alertKey = try plan.alert.map { try enqueueAlert($0, incidentID: incidentID, transaction) }
        return ExecutedIncidentPlan(incidentID: incidentID, alertKey: alertKey, ruleID: ruleID)
    }

    private static func updateIncident(
        _ id: Int64, status: IncidentStatus?, updatedAt: Timestamp?, _ plan: IncidentPlan, withheld: Bool,
        _ transaction: PostgresSession.Transaction
    ) throws {
        let alerts = plan.alertState
        let changes = status != nil || updatedAt != nil || plan.countsDetection || plan.suppressesAlert || alerts != nil
        guard changes || withheld else { return }
        try transaction.execute(
            """
            UPDATE incidents SET
                status = coalesce(\(status?.rawValue), status),
                updated_at = coalesce(\(updatedAt?.microsecondsSinceEpoch), updated_at),
                detection_count = detection_count + \(plan.countsDetection ? Int64(1) : 0),
                suppressed_alerts = suppressed_alerts + \(plan.suppressesAlert ? Int64(1) : 0),
                alerted_action = CASE WHEN \(alerts != nil) THEN \(alerts?.highestAction?.rawValue) ELSE alerted_action END,
                last_detection_alert = CASE WHEN \(alerts != nil) THEN \(alerts?.lastDetectionAlert?.microsecondsSinceEpoch)
                                            ELSE last_detection_alert END,
                withheld = withheld OR \(withheld)
            WHERE id = \(id) AND (\(changes) OR NOT withheld)
            """)
    }

    /// Whether one of `calls` (stored already, by any node) had its number withheld.
    private static func anyWithheld(_ calls: [String], _ transaction: PostgresSession.Transaction) throws -> Bool {
        guard !calls.isEmpty else { return false }
        let ids = calls.map { ByteBuffer(string: $0) }
        return !(try transaction.rows(
            "SELECT 1 FROM call_events WHERE call_id = ANY(\(ids)) AND presentation_restricted LIMIT 1"
        ).isEmpty)
    }

    /// Appends to the incident's own log and to the audit log (`incident.<action>`, subject `incident N`).
    private static func appendIncidentLog(
        _ incidentID: Int64, _ entry: IncidentLogEntry, _ transaction: PostgresSession.Transaction
    ) throws {
        try transaction.execute(
            """
            INSERT INTO incident_log (incident_id, time, actor, action, note)
            VALUES (\(incidentID), \(entry.time.microsecondsSinceEpoch), \(ByteBuffer(string: entry.actor)),
                    \(entry.action), \(ByteBuffer(string: entry.note)))
            """)
        try appendAudit(
            AuditEntry(
                time: entry.time, actor: entry.actor, action: "incident." + entry.action, subject: "incident \(incidentID)",
                detail: entry.note),
            transaction)
    }

    /// Writes the ledger's alert into the outbox inside the caller's transaction; returns its
    /// idempotency key (`msg_` and 32 hex digits, unique across nodes). `created_at` is this node's
    /// processing time; `node` names the node that raised it.
    func enqueueAlert(_ alert: AlertDraft, incidentID: Int64, _ transaction: PostgresSession.Transaction) throws -> String {
        let key = "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try transaction.execute(
            """
            INSERT INTO alert_outbox (idempotency_key, incident_id, event, kind, severity, status, identity, target,
                                      detail, starts_at, ends_at, created_at, withheld, node)
            VALUES (\(key), \(incidentID), \(alert.event.rawValue), \(alert.kind.rawValue), \(alert.severity.rawValue),
                    \(alert.status.rawValue), \(ByteBuffer(string: alert.identity)), \(ByteBuffer(string: alert.target)),
                    \(ByteBuffer(string: alert.detail)), \(alert.startsAt.microsecondsSinceEpoch),
                    \(alert.endsAt?.microsecondsSinceEpoch), \(clock.now().microsecondsSinceEpoch),
                    (SELECT withheld FROM incidents WHERE id = \(incidentID)), \(node))
            """)
        return key
    }
}
