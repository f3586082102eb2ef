package import CallModel
import CallwardenPorts
package import Incidents
import NIOCore
import PostgresNIO

// MARK: - The timeline of one incident (read-only)

extension PostgresStore {
    /// Everything about one incident as `SQLiteStore` reads it, in one read-only transaction that
    /// sees one snapshot: its calls (each merged from every node's stored witnesses of its call id),
    /// detections, the block/redirect rules on its callers (a flagged call's numbers included), MCID
    /// flags, recordings of its calls and its log of status changes and notes.
    ///
    /// Deliberately not included, as in SQLite: rules that were removed (their removal is in the
    /// audit log) and decisions of the decision service that left no call event.
    /// - Throws: ``PostgresStoreError``.
    package func timeline(incidentID: Int64) throws -> IncidentTimeline? {
        try session.transaction { transaction in
            try transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            guard let incident = try Self.fetchIncident(id: incidentID, transaction) else { return nil }
            let calls = try Self.timelineCalls(incidentID: incidentID, transaction)
            let detections = try transaction.rows(
                """
                SELECT \(unescaped: Self.detectionColumns) FROM detections WHERE incident_id = \(incidentID) ORDER BY first_time, id
                """
            ).map(Self.detection(from:))
            let recordings = try transaction.rows(
                """
                SELECT \(unescaped: Self.recordingColumns) FROM recordings
                WHERE call_id IN (SELECT call_id FROM incident_calls WHERE incident_id = \(incidentID)) ORDER BY id
                """
            ).map(Self.recording(from:))
            let log = try transaction.rows(
                "SELECT time, actor, action, note FROM incident_log WHERE incident_id = \(incidentID) ORDER BY id"
            ).map { row in
                let (time, actor, action, note) = try row.decode((Int64, ByteBuffer, String, ByteBuffer).self)
                return IncidentLogEntry(
                    time: Timestamp(microsecondsSinceEpoch: time), actor: String(buffer: actor), action: action, note: String(buffer: note))
            }
            let flags = try Self.flags(incidentID: incidentID, transaction)
            var numbers = Set<E164Number>()
            for flag in flags {
                if let number = flag.call?.caller.number { numbers.insert(number) }
                if let number = flag.call?.caller.assertedIdentity { numbers.insert(number) }
            }
            if let number = E164Number(e164: incident.identity) { numbers.insert(number) }
            for detection in detections {
                numbers.formUnion(detection.callers)
                if let caller = detection.caller { numbers.insert(caller) }
            }
            let unidentified = incident.identity == IncidentKey.unidentified
            let decisions = try Self.timelineDecisions(numbers: numbers, unidentifiedTo: unidentified ? incident.target : nil, transaction)
            return IncidentTimeline(
                incident: incident, calls: calls, detections: detections, decisions: decisions, flags: flags, recordings: recordings,
                log: log)
        }
    }

    /// Every call linked to the incident, each merged from all its stored events (every node's,
    /// whatever the source, found by call id), in call order (ties in call id order, as in SQLite).
    private static func timelineCalls(incidentID: Int64, _ transaction: PostgresSession.Transaction) throws -> [TimelineCall] {
        let rows = try transaction.rows(
            """
            SELECT \(unescaped: eventReadColumns) FROM call_events
            WHERE call_id IN (SELECT call_id FROM incident_calls WHERE incident_id = \(incidentID))
            ORDER BY call_id, id
            """)
        return TimelineCall.calls(mergingGroupsOf: try rows.map { try event(from: $0) })
    }

    /// Rules in force or expired on these numbers, plus unidentified-caller rules for `target` (its
    /// scope compared whole) and organisation-wide ones, oldest first.
    private static func timelineDecisions(
        numbers: Set<E164Number>, unidentifiedTo target: String?, _ transaction: PostgresSession.Transaction
    ) throws -> [TimelineDecision] {
        guard !numbers.isEmpty || target != nil else { return [] }
        let rows = try transaction.rows(
            """
            SELECT \(unescaped: ruleColumns) FROM rules
            WHERE (match_kind = 'number' AND match_value = ANY(\(numbers.sorted().map(\.description))::text[]))
               OR (\(target != nil) AND match_kind = 'unidentified' AND (scope IS NULL OR scope = \(target.map { ByteBuffer(string: $0) })))
            ORDER BY id
            """)
        return try rows.map { row in
            let rule = try Self.rule(from: row)
            return TimelineDecision(
                ruleID: rule.id ?? 0, time: rule.createdAt, summary: Self.summary(of: rule), createdBy: rule.createdBy,
                reason: rule.reason, expiresAt: rule.expiresAt)
        }
    }
}
