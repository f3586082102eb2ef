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
        id, kind, CAST(identity AS BLOB), CAST(target AS BLOB), severity, status, opened_at, updated_at, alerted_action,
        last_detection_alert
        """

    /// The unclosed incident with `key`, inside the caller's transaction.
    func openIncidentState(_ key: IncidentKey, _ db: Database) throws -> IncidentState? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.stateColumns) FROM incidents WHERE kind = ? AND identity = \(FullLengthText.placeholder)
                      AND target = \(FullLengthText.placeholder) AND status <> 'closed'
                    """),
            arguments: [key.kind.rawValue, FullLengthText.argument(key.identity), FullLengthText.argument(key.target)]
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
    ///
    /// The incident row is written by one statement per plan — its status and time, detection
    /// count, withheld mark and alert bookkeeping together (an `INSERT` for a new incident, one
    /// `UPDATE` otherwise, none when nothing of it changes) — because the evidence chain appends an
    /// entry for every row a statement writes (migration `evidence-4-incidents-withdrawals`): four
    /// `UPDATE`s per detection were four entries.
    ///
    /// With `pending`, the plan's call links are added to it instead of being inserted here: an
    /// ingestion batch inserts all its links together at its end (``PendingCallLinks``).
    func execute(_ plan: IncidentPlan, _ db: Database, deferringLinksTo pending: PendingCallLinks? = nil) throws
        -> ExecutedIncidentPlan
    {
        let withheld = try anyWithheld(plan.links, db)
        let alerts = plan.alertState
        let incidentID: Int64
        switch plan.incident {
        case .open(let new):
            let ids = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        INSERT INTO incidents (kind, identity, target, severity, status, opened_at, updated_at, detection_count,
                                               suppressed_alerts, alerted_action, last_detection_alert, withheld)
                        VALUES (?, \(FullLengthText.placeholder), \(FullLengthText.placeholder), ?, 'open', ?, ?, ?, ?, ?, ?, ?)
                        RETURNING id
                        """),
                arguments: [
                    new.key.kind.rawValue, FullLengthText.argument(new.key.identity), FullLengthText.argument(new.key.target),
                    new.severity.rawValue, new.openedAt.microsecondsSinceEpoch, new.updatedAt.microsecondsSinceEpoch,
                    plan.countsDetection ? 1 : 0, plan.suppressesAlert ? 1 : 0, alerts?.highestAction?.rawValue,
                    alerts?.lastDetectionAlert?.microsecondsSinceEpoch, withheld ? 1 : 0,
                ])
            guard let id = ids.first else {
                throw SQLiteStoreError(code: .database, message: "opening an incident returned no id")
            }
            incidentID = id
        case .update(let id, let status, let updatedAt):
            try updateIncident(id, status: status, updatedAt: updatedAt, plan, withheld: withheld, db)
            incidentID = id
        case .keep(let id):
            try updateIncident(id, status: nil, updatedAt: nil, plan, withheld: withheld, db)
            incidentID = id
        }
        for entry in plan.log {
            try appendIncidentLog(incidentID, entry, db)
        }
        if let pending {
            for callID in plan.links {
                pending.append(incidentID: incidentID, callID: callID, linkedAt: plan.linkedAt)
            }
        } else {
            for callID in plan.links {
                try linkCall(callID, toIncident: incidentID, at: plan.linkedAt, db)
            }
        }
        var ruleID: Int64?
        if let addition = plan.rule {
            ruleID = try insertRule(addition.rule, actor: addition.actor, auditAction: "rule.add", db).id ?? 0
        }
        let alertKey = try plan.alert.map { try enqueueAlert($0, incidentID: incidentID, db) }
        return ExecutedIncidentPlan(incidentID: incidentID, alertKey: alertKey, ruleID: ruleID)
    }

    /// Everything the plan changes on an existing incident row, in one `UPDATE` (status and time
    /// when given); none when the plan changes nothing of it. The withheld mark alone updates only
    /// an incident not marked yet.
    private func updateIncident(
        _ id: Int64, status: IncidentStatus?, updatedAt: Timestamp?, _ plan: IncidentPlan, withheld: Bool, _ db: Database
    ) throws {
        let alerts = plan.alertState
        let changes = status != nil || updatedAt != nil || plan.countsDetection || plan.suppressesAlert || alerts != nil
        guard changes || withheld else { return }
        try db.cachedStatement(
            sql: """
                UPDATE incidents SET
                    status = coalesce(?, status), updated_at = coalesce(?, updated_at),
                    detection_count = detection_count + ?, suppressed_alerts = suppressed_alerts + ?,
                    alerted_action = CASE WHEN ? THEN ? ELSE alerted_action END,
                    last_detection_alert = CASE WHEN ? THEN ? ELSE last_detection_alert END,
                    withheld = max(withheld, ?)
                WHERE id = ? AND (? OR withheld = 0)
                """
        ).execute(arguments: [
            status?.rawValue, updatedAt?.microsecondsSinceEpoch,
            plan.countsDetection ? 1 : 0, plan.suppressesAlert ? 1 : 0,
            alerts != nil, alerts?.highestAction?.rawValue,
            alerts != nil, alerts?.lastDetectionAlert?.microsecondsSinceEpoch,
            withheld ? 1 : 0, id, changes,
        ])
    }

    /// Whether one of `calls` (stored already) had its number withheld (presentation restricted):
    /// the incident is then marked `withheld`, and from then on readers who are not security see
    /// `withheld` only. A call stored after its link does not mark it (its detection or flag comes
    /// with or after the call in practice).
    ///
    /// Looked up through `call_events_by_call_id` (migration `witness-call-identity`): with every source named
    /// for the `(source, call_id)` index instead, SQLite built a temporary table of the five
    /// sources for every look-up, one per call linked (~50,000 in the DoS hour).
    func anyWithheld(_ calls: [String], _ db: Database) throws -> Bool {
        guard !calls.isEmpty else { return false }
        let restricted = try db.cachedStatement(
            sql: """
                SELECT 1 FROM call_events INDEXED BY call_events_by_call_id
                WHERE call_id = \(FullLengthText.placeholder) AND presentation_restricted = 1 LIMIT 1
                """)
        for callID in calls where try Bool.fetchOne(restricted, arguments: [FullLengthText.argument(callID)]) == true {
            return true
        }
        return false
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
