package import CallModel
import CallwardenPorts
import Foundation
import GRDB
package import Incidents

// MARK: - Incidents: reading and the lifecycle

extension SQLiteStore {
    /// The columns ``incident(from:transitions:)`` reads, in order; identity and target (an
    /// extension, the callee's text) whole, NUL included (``FullLengthText``).
    static let incidentColumns = """
        id, kind, CAST(identity AS BLOB), CAST(target AS BLOB), severity, status, opened_at, updated_at, detection_count, withheld
        """

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
    /// (`status-changed`, or `resolved` when closing) in one transaction, as the ``IncidentLedger``
    /// decides.
    ///
    /// - Throws: ``IncidentChangeError`` for an unknown id, a move that is not forward, an empty
    ///   actor, or closing without a note; ``SQLiteStoreError`` otherwise.
    package func changeStatus(
        incidentID: Int64, to status: IncidentStatus, actor: String, note: String, at time: Timestamp
    ) throws -> Incident {
        let change = try StatusChange(incidentID: incidentID, to: status, actor: actor, note: note, at: time)
        return try write { db in
            let plan = try ledger.plan(change, incident: try incidentState(id: incidentID, db))
            _ = try execute(plan, db)
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
        let note = try IncidentNote(incidentID: incidentID, actor: actor, note: note, at: time)
        try write { db in
            _ = try execute(try ledger.plan(note, incident: try incidentState(id: incidentID, db)), db)
        }
    }

    // MARK: - Reading inside a transaction

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
                    SELECT action, CAST(actor AS BLOB), time, CAST(note AS BLOB) FROM incident_log
                    WHERE incident_id = ? AND action IN ('acknowledged', 'reported', 'closed') ORDER BY id
                    """),
            arguments: [incidentID])
        return try rows.map { row in
            IncidentTransition(
                status: try StoredValue.decode(row.decode(atIndex: 0), as: IncidentStatus.self, column: "incident_log.action"),
                actor: try row.fullText(atIndex: 1) ?? "",
                time: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 2)),
                note: try row.fullText(atIndex: 3) ?? "")
        }
    }

    static func incident(from row: Row, transitions: [IncidentTransition]) throws -> Incident {
        let head = try IncidentHead(row)
        var incident = Incident(
            id: head.id, key: head.key, severity: head.severity, status: head.status, openedAt: head.openedAt,
            updatedAt: head.updatedAt, detectionCount: try row.decode(atIndex: 8), transitions: transitions)
        incident.withheld = try row.decode(Int64.self, atIndex: 9) == 1
        return incident
    }

    /// The first eight columns every incident read starts with — `id, kind, identity, target,
    /// severity, status, opened_at, updated_at`, identity and target selected `CAST(... AS BLOB)` — decoded once for ``incident(from:transitions:)``
    /// and the ledger's ``incidentState(id:_:)``.
    struct IncidentHead {
        var id: Int64
        var key: IncidentKey
        var severity: IncidentSeverity
        var status: IncidentStatus
        var openedAt: Timestamp
        var updatedAt: Timestamp

        init(_ row: Row) throws {
            id = try row.decode(atIndex: 0)
            key = IncidentKey(
                kind: try StoredValue.decode(row.decode(atIndex: 1), as: IncidentKind.self, column: "incidents.kind"),
                identity: try row.fullText(atIndex: 2) ?? "",
                target: try row.fullText(atIndex: 3) ?? "")
            severity = try StoredValue.decode(row.decode(atIndex: 4), as: IncidentSeverity.self, column: "incidents.severity")
            status = try StoredValue.decode(row.decode(atIndex: 5), as: IncidentStatus.self, column: "incidents.status")
            openedAt = Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 6))
            updatedAt = Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 7))
        }
    }
}
