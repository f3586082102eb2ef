import CallModel
import CallwardenPorts
import GRDB
import Incidents

// MARK: - Incidents: reading the ledger's state and executing its plans

/// What executing an ``IncidentPlan`` wrote that the caller needs next.
struct ExecutedIncidentPlan {
    /// The incident opened or changed.
    var incidentID: Int64
    /// The idempotency key of the alert written, if any.
    var alertKey: String?
    /// The id of the rule added, if any.
    var ruleID: Int64?
}

extension SQLiteStore {
    /// The ledger deciding incident changes with this store's ``alertPolicy``.
    var ledger: IncidentLedger { IncidentLedger(policy: alertPolicy) }

    private static let stateColumns = """
        id, kind, identity, target, severity, status, opened_at, updated_at, alerted_action, last_detection_alert
        """

    /// The unclosed incident with `key`, inside the caller's transaction.
    func openIncidentState(_ key: IncidentKey, _ db: Database) throws -> IncidentState? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(Self.stateColumns) FROM incidents WHERE kind = ? AND identity = ? AND target = ? AND status <> 'closed'"),
            arguments: [key.kind.rawValue, key.identity, key.target]
        ).map(Self.incidentState(from:))
    }

    /// The incident with `id`, inside the caller's transaction.
    func incidentState(id: Int64, _ db: Database) throws -> IncidentState? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.stateColumns) FROM incidents WHERE id = ?"), arguments: [id]
        ).map(Self.incidentState(from:))
    }

    private static func incidentState(from row: Row) throws -> IncidentState {
        let head = try IncidentHead(row)
        let action: String? = try row.decode(atIndex: 8)
        return IncidentState(
            id: head.id, key: head.key, severity: head.severity, status: head.status, openedAt: head.openedAt,
            updatedAt: head.updatedAt,
            alerts: IncidentAlertState(
                highestAction: try action.map { try StoredValue.decode($0, as: ResponseAction.self, column: "incidents.alerted_action") },
                lastDetectionAlert: StoredValue.timestamp(try row.decode(atIndex: 9))))
    }

    /// Executes the ledger's plan inside the caller's transaction, in the plan's order; decides nothing.
    func execute(_ plan: IncidentPlan, _ db: Database) throws -> ExecutedIncidentPlan {
        let incidentID: Int64
        switch plan.incident {
        case .open(let new):
            let ids = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        INSERT INTO incidents (kind, identity, target, severity, status, opened_at, updated_at, detection_count)
                        VALUES (?, ?, ?, ?, 'open', ?, ?, 0) RETURNING id
                        """),
                arguments: [
                    new.key.kind.rawValue, new.key.identity, new.key.target, new.severity.rawValue,
                    new.openedAt.microsecondsSinceEpoch, new.updatedAt.microsecondsSinceEpoch,
                ])
            guard let id = ids.first else {
                throw SQLiteStoreError(code: .database, message: "opening an incident returned no id")
            }
            incidentID = id
        case .update(let id, let status, let updatedAt):
            try db.cachedStatement(sql: "UPDATE incidents SET status = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [status.rawValue, updatedAt.microsecondsSinceEpoch, id])
            incidentID = id
        case .keep(let id):
            incidentID = id
        }
        if plan.countsDetection {
            try db.cachedStatement(sql: "UPDATE incidents SET detection_count = detection_count + 1 WHERE id = ?")
                .execute(arguments: [incidentID])
        }
        for entry in plan.log {
            try appendIncidentLog(incidentID, entry, db)
        }
        for callID in plan.links {
            try linkCall(callID, toIncident: incidentID, at: plan.linkedAt, db)
        }
        try markWithheld(incidentID, calls: plan.links, db)
        if plan.suppressesAlert {
            try db.cachedStatement(sql: "UPDATE incidents SET suppressed_alerts = suppressed_alerts + 1 WHERE id = ?")
                .execute(arguments: [incidentID])
        }
        if let alerts = plan.alertState {
            try db.cachedStatement(sql: "UPDATE incidents SET alerted_action = ?, last_detection_alert = ? WHERE id = ?")
                .execute(arguments: [
                    alerts.highestAction?.rawValue, alerts.lastDetectionAlert?.microsecondsSinceEpoch, incidentID,
                ])
        }
        var ruleID: Int64?
        if let addition = plan.rule {
            ruleID = try insertRule(addition.rule, actor: addition.actor, auditAction: "rule.add", db).id ?? 0
        }
        let alertKey = try plan.alert.map { try enqueueAlert($0, incidentID: incidentID, db) }
        return ExecutedIncidentPlan(incidentID: incidentID, alertKey: alertKey, ruleID: ruleID)
    }

    /// Marks the incident `withheld` once one of `calls` (stored already) had its number withheld
    /// (presentation restricted): from then on readers who are not security see `withheld` only.
    /// A call stored after its link does not mark it (its detection or flag comes with or after
    /// the call in practice).
    func markWithheld(_ incidentID: Int64, calls: [String], _ db: Database) throws {
        guard !calls.isEmpty else { return }
        let restricted = try db.cachedStatement(
            sql: """
                SELECT 1 FROM call_events WHERE source IN (\(Self.allSourcesList))
                  AND call_id = \(FullLengthText.placeholder) AND presentation_restricted = 1 LIMIT 1
                """)
        for callID in calls where try Bool.fetchOne(restricted, arguments: [FullLengthText.argument(callID)]) == true {
            try db.cachedStatement(sql: "UPDATE incidents SET withheld = 1 WHERE id = ? AND withheld = 0")
                .execute(arguments: [incidentID])
            return
        }
    }

    /// Every event source, so that a look-up by call id alone can use the `(source, call_id)` index.
    static let allSourcesList = EventSource.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Links a call to an incident (idempotent).
    private func linkCall(_ callID: String, toIncident incidentID: Int64, at time: Timestamp, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO incident_calls (incident_id, call_id, linked_at) VALUES (?, \(FullLengthText.placeholder), ?)"
        ).execute(arguments: [incidentID, FullLengthText.argument(callID), time.microsecondsSinceEpoch])
    }

    /// Appends to the incident's own log and to the audit log (`incident.<action>`, subject `incident N`).
    private func appendIncidentLog(_ incidentID: Int64, _ entry: IncidentLogEntry, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO incident_log (incident_id, time, actor, action, note)
                VALUES (?, ?, \(FullLengthText.placeholder), ?, \(FullLengthText.placeholder))
                """
        ).execute(arguments: [
            incidentID, entry.time.microsecondsSinceEpoch, FullLengthText.argument(entry.actor), entry.action,
            FullLengthText.argument(entry.note),
        ])
        try appendAudit(
            AuditEntry(
                time: entry.time, actor: entry.actor, action: "incident." + entry.action, subject: "incident \(incidentID)",
                detail: entry.note),
            db)
    }
}
