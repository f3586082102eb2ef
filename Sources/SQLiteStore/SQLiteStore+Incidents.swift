package import CallModel
import CallwardenPorts
import Foundation
import GRDB
package import Incidents

// MARK: - Incidents: reading and the lifecycle

extension SQLiteStore {
    /// The columns ``incident(from:transitions:)`` reads, in order.
    static let incidentColumns = "id, kind, identity, target, severity, status, opened_at, updated_at, detection_count"

    /// Incidents, the most recently updated first; only those in `status` when given.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func incidents(status: IncidentStatus?, limit: Int) throws -> [Incident] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.incidentColumns) FROM incidents WHERE ? IS NULL OR status = ? "
                    + "ORDER BY updated_at DESC, id DESC LIMIT ?",
                arguments: [status?.rawValue, status?.rawValue, max(limit, 0)])
            return try rows.map { try Self.incident(from: $0, transitions: Self.transitions(of: $0.decode(Int64.self, atIndex: 0), db)) }
        }
    }

    /// Incidents, the most recently updated first (all statuses).
    package func incidents(limit: Int) throws -> [Incident] { try incidents(status: nil, limit: limit) }

    /// One incident, or nil.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func incident(id: Int64) throws -> Incident? {
        try read { db in try Self.fetchIncident(id: id, db) }
    }

    /// Moves an incident forward, writes the incident log and the audit log, and raises an alert
    /// (`status-changed`, or `resolved` when closing) in one transaction.
    ///
    /// - Throws: ``IncidentChangeError`` for an unknown id, a move that is not forward, an empty
    ///   actor, or closing without a note; ``SQLiteStoreError`` otherwise.
    package func changeStatus(
        incidentID: Int64, to status: IncidentStatus, actor: String, note: String, at time: Timestamp
    ) throws -> Incident {
        let actor = try IncidentChangeError.checked(actor, field: "by", required: true)
        let note = try IncidentChangeError.checked(note, field: "note", required: status == .closed)
        return try write { db in
            guard let current = try Self.fetchIncident(id: incidentID, db) else {
                throw IncidentChangeError.notFound(incidentID)
            }
            guard current.status.canMove(to: status) else {
                throw IncidentChangeError.invalidTransition(from: current.status, to: status)
            }
            try db.execute(
                sql: "UPDATE incidents SET status = ?, updated_at = max(updated_at, ?) WHERE id = ?",
                arguments: [status.rawValue, time.microsecondsSinceEpoch, incidentID])
            try appendIncidentLog(incidentID, time: time, actor: actor, action: status.rawValue, note: note, db)
            let event: AlertEvent = status == .closed ? .resolved : .statusChanged
            _ = try enqueueAlert(
                incidentID: incidentID, event: event, detail: "incident \(status.label) by \(actor)",
                endsAt: status == .closed ? time : nil, db)
            guard let changed = try Self.fetchIncident(id: incidentID, db) else {
                throw IncidentChangeError.notFound(incidentID)
            }
            return changed
        }
    }

    /// Adds a note to an incident, audited.
    ///
    /// - Throws: ``IncidentChangeError`` for an unknown id or an empty note or actor.
    package func addNote(incidentID: Int64, actor: String, note: String, at time: Timestamp) throws {
        let actor = try IncidentChangeError.checked(actor, field: "by", required: true)
        let note = try IncidentChangeError.checked(note, field: "note", required: true)
        try write { db in
            guard try Self.fetchIncident(id: incidentID, db) != nil else { throw IncidentChangeError.notFound(incidentID) }
            try appendIncidentLog(incidentID, time: time, actor: actor, action: "note", note: note, db)
        }
    }

    // MARK: - Helpers inside a transaction

    /// The unclosed incident with `key`, touched (its `updated_at` moved forward), or a new one
    /// opened with an `opened` log entry; with what it has alerted so far.
    func openOrTouchIncident(
        _ key: IncidentKey, openedAt: Timestamp, updatedAt: Timestamp, actor: String, note: String, _ db: Database
    ) throws -> (id: Int64, alerts: IncidentAlertState, opened: Bool) {
        let existing = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, alerted_action, last_detection_alert FROM incidents
                    WHERE kind = ? AND identity = ? AND target = ? AND status <> 'closed'
                    """),
            arguments: [key.kind.rawValue, key.identity, key.target])
        if let existing {
            let id: Int64 = try existing.decode(atIndex: 0)
            try db.cachedStatement(sql: "UPDATE incidents SET updated_at = max(updated_at, ?) WHERE id = ?")
                .execute(arguments: [updatedAt.microsecondsSinceEpoch, id])
            let action: String? = try existing.decode(atIndex: 1)
            let alerts = IncidentAlertState(
                highestAction: try action.map { try StoredValue.decode($0, as: ResponseAction.self, column: "incidents.alerted_action") },
                lastDetectionAlert: StoredValue.timestamp(try existing.decode(atIndex: 2)))
            return (id, alerts, false)
        }
        let ids = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    INSERT INTO incidents (kind, identity, target, severity, status, opened_at, updated_at, detection_count)
                    VALUES (?, ?, ?, ?, 'open', ?, ?, 0) RETURNING id
                    """),
            arguments: [
                key.kind.rawValue, key.identity, key.target, key.kind.severity.rawValue,
                openedAt.microsecondsSinceEpoch, max(openedAt, updatedAt).microsecondsSinceEpoch,
            ])
        guard let id = ids.first else {
            throw SQLiteStoreError(code: .database, message: "opening an incident returned no id")
        }
        try appendIncidentLog(id, time: openedAt, actor: actor, action: "opened", note: note, db)
        return (id, IncidentAlertState(), true)
    }

    /// Links a call to an incident (idempotent).
    func linkCall(_ callID: String, toIncident incidentID: Int64, at time: Timestamp, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO incident_calls (incident_id, call_id, linked_at) VALUES (?, ?, ?)"
        ).execute(arguments: [incidentID, callID, time.microsecondsSinceEpoch])
    }

    /// Appends to the incident's own log and to the audit log (`incident.<action>`, subject `incident N`).
    func appendIncidentLog(
        _ incidentID: Int64, time: Timestamp, actor: String, action: String, note: String, _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: "INSERT INTO incident_log (incident_id, time, actor, action, note) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [incidentID, time.microsecondsSinceEpoch, actor, action, note])
        try appendAudit(
            AuditEntry(time: time, actor: actor, action: "incident." + action, subject: "incident \(incidentID)", detail: note),
            db)
    }

    static func fetchIncident(id: Int64, _ db: Database) throws -> Incident? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(incidentColumns) FROM incidents WHERE id = ?", arguments: [id])
        else { return nil }
        return try incident(from: row, transitions: transitions(of: id, db))
    }

    static func transitions(of incidentID: Int64, _ db: Database) throws -> [IncidentTransition] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT action, actor, time, note FROM incident_log
                    WHERE incident_id = ? AND action IN ('acknowledged', 'reported', 'closed') ORDER BY id
                    """),
            arguments: [incidentID])
        return try rows.map { row in
            IncidentTransition(
                status: try StoredValue.decode(row.decode(atIndex: 0), as: IncidentStatus.self, column: "incident_log.action"),
                actor: try row.decode(atIndex: 1),
                time: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 2)),
                note: try row.decode(atIndex: 3))
        }
    }

    static func incident(from row: Row, transitions: [IncidentTransition]) throws -> Incident {
        Incident(
            id: try row.decode(atIndex: 0),
            key: IncidentKey(
                kind: try StoredValue.decode(row.decode(atIndex: 1), as: IncidentKind.self, column: "incidents.kind"),
                identity: try row.decode(atIndex: 2),
                target: try row.decode(atIndex: 3)),
            severity: try StoredValue.decode(row.decode(atIndex: 4), as: IncidentSeverity.self, column: "incidents.severity"),
            status: try StoredValue.decode(row.decode(atIndex: 5), as: IncidentStatus.self, column: "incidents.status"),
            openedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 6)),
            updatedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 7)),
            detectionCount: try row.decode(atIndex: 8),
            transitions: transitions)
    }
}
