package import CallModel
import CallwardenPorts
package import Incidents
import NIOCore
import PostgresNIO

// MARK: - Reading and moving incidents (every node's)

extension PostgresStore {
    private static let incidentColumns = incidentHeadColumns + ", detection_count, withheld"

    /// Incidents of every node, the most recently updated first; only those in `status` when given.
    package func incidents(status: IncidentStatus?, limit: Int) throws -> [Incident] {
        try session.transaction { transaction in
            let rows = try transaction.rows(
                """
                SELECT \(unescaped: Self.incidentColumns) FROM incidents
                WHERE \(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)
                ORDER BY updated_at DESC, id DESC LIMIT \(Int64(max(limit, 0)))
                """)
            return try rows.map { try Self.incident(from: $0, transaction) }
        }
    }

    /// One incident, or nil.
    package func incident(id: Int64) throws -> Incident? {
        try session.transaction { transaction in try Self.fetchIncident(id: id, transaction) }
    }

    /// Moves an incident forward as the ``IncidentLedger`` decides: the status, the incident log,
    /// the audit log and the alert (`status-changed`, or `resolved` when closing) in one
    /// transaction, with the incident row locked (two nodes moving it at once are decided in turn).
    ///
    /// - Throws: ``IncidentChangeError`` for an unknown id, a move that is not forward, an empty
    ///   actor, or closing without a note; ``PostgresStoreError`` otherwise.
    package func changeStatus(
        incidentID: Int64, to status: IncidentStatus, actor: String, note: String, at time: Timestamp
    ) throws -> Incident {
        let change = try StatusChange(incidentID: incidentID, to: status, actor: actor, note: note, at: time)
        // The session reports every error thrown inside a transaction as a store error, so the
        // ledger's refusal is carried out of it (nothing was written) and thrown as it is.
        let outcome = try session.transaction { transaction -> Result<Incident, IncidentChangeError> in
            let plan: IncidentPlan
            do {
                plan = try ledger.plan(change, incident: try Self.incidentState(id: incidentID, transaction))
            } catch let refusal as IncidentChangeError {
                return .failure(refusal)
            }
            _ = try execute(plan, transaction)
            guard let changed = try Self.fetchIncident(id: incidentID, transaction) else { return .failure(.notFound(incidentID)) }
            return .success(changed)
        }
        let changed = try outcome.get()
        onAlertCommitted?()
        return changed
    }

    /// Adds a note to an incident, audited.
    ///
    /// - Throws: ``IncidentChangeError`` for an unknown id or an empty note or actor.
    package func addNote(incidentID: Int64, actor: String, note: String, at time: Timestamp) throws {
        let note = try IncidentNote(incidentID: incidentID, actor: actor, note: note, at: time)
        let refusal = try session.transaction { transaction -> IncidentChangeError? in
            let plan: IncidentPlan
            do {
                plan = try ledger.plan(note, incident: try Self.incidentState(id: incidentID, transaction))
            } catch let refusal as IncidentChangeError {
                return refusal
            }
            _ = try execute(plan, transaction)
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Every alert raised for an incident, oldest first.
    package func alerts(incidentID: Int64) throws -> [AlertNotice] {
        try session.query(
            "SELECT \(unescaped: Self.noticeColumns) FROM alert_outbox AS o WHERE incident_id = \(incidentID) ORDER BY id"
        ).map(Self.notice(from:))
    }

    // MARK: - Reading inside a transaction

    static func fetchIncident(id: Int64, _ transaction: PostgresSession.Transaction) throws -> Incident? {
        try transaction.rows("SELECT \(unescaped: incidentColumns) FROM incidents WHERE id = \(id)")
            .first.map { try incident(from: $0, transaction) }
    }

    private static func incident(from row: PostgresRow, _ transaction: PostgresSession.Transaction) throws -> Incident {
        let cells = row.makeRandomAccess()
        let head = try IncidentHead(cells)
        let id = head.id
        let count = try cells[8].decode(Int64.self, context: .default)
        let withheld = try cells[9].decode(Bool.self, context: .default)
        let transitions = try transaction.rows(
            """
            SELECT action, actor, time, note FROM incident_log
            WHERE incident_id = \(id) AND action IN ('acknowledged', 'reported', 'closed') ORDER BY id
            """
        ).map { row in
            let (action, actor, time, note) = try row.decode((String, ByteBuffer, Int64, ByteBuffer).self)
            return IncidentTransition(
                status: try decoded(action, "incident_log.action"), actor: String(buffer: actor),
                time: Timestamp(microsecondsSinceEpoch: time), note: String(buffer: note))
        }
        var incident = Incident(
            id: id, key: head.key, severity: head.severity, status: head.status, openedAt: head.openedAt,
            updatedAt: head.updatedAt, detectionCount: Int(count), transitions: transitions)
        incident.withheld = withheld
        return incident
    }
}
