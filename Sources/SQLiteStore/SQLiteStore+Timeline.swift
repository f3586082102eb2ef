package import CallModel
import CallwardenPorts
import GRDB
package import Incidents

// MARK: - The timeline of one incident

extension SQLiteStore {
    /// Everything about one incident, read on one snapshot: its calls (each merged from every
    /// stored witness of its call id), detections, the block/redirect rules on its callers, MCID flags,
    /// recordings of its calls and its log of status changes and notes.
    ///
    /// Deliberately not included: rules that were removed (their removal is in the audit log) and
    /// decisions of the decision service that left no call event.
    /// - Throws: ``SQLiteStoreError``.
    package func timeline(incidentID: Int64) throws -> IncidentTimeline? {
        try read { db in
            guard let incident = try Self.fetchIncident(id: incidentID, db) else { return nil }
            let calls = try Self.calls(incidentID: incidentID, db)
            let detections = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.detectionColumns) FROM detections WHERE incident_id = ? ORDER BY first_time, id",
                arguments: [incidentID]
            ).map(Self.detection(from:))
            let flags = try Self.flags(incidentID: incidentID, db)
            let recordings = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.recordingColumns) FROM recordings
                    WHERE call_id IN (SELECT call_id FROM incident_calls WHERE incident_id = ?) ORDER BY id
                    """,
                arguments: [incidentID]
            ).map(Self.recording(from:))
            let log = try Row.fetchAll(
                db, sql: """
                    SELECT time, CAST(actor AS BLOB), action, CAST(note AS BLOB) FROM incident_log
                    WHERE incident_id = ? ORDER BY id
                    """,
                arguments: [incidentID]
            ).map { row in
                IncidentLogEntry(
                    time: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 0)), actor: try row.fullText(atIndex: 1) ?? "",
                    action: try row.decode(atIndex: 2), note: try row.fullText(atIndex: 3) ?? "")
            }
            var numbers = Set<E164Number>()
            if let number = E164Number(e164: incident.identity) { numbers.insert(number) }
            for detection in detections {
                numbers.formUnion(detection.callers)
                if let caller = detection.caller { numbers.insert(caller) }
            }
            for flag in flags {
                if let number = flag.call?.caller.number { numbers.insert(number) }
                if let number = flag.call?.caller.assertedIdentity { numbers.insert(number) }
            }
            let unidentified = incident.identity == IncidentKey.unidentified
            let decisions = try Self.decisions(numbers: numbers, unidentifiedTo: unidentified ? incident.target : nil, db)
            return IncidentTimeline(
                incident: incident, calls: calls, detections: detections, decisions: decisions, flags: flags,
                recordings: recordings, log: log)
        }
    }

    /// Every call linked to the incident, each merged from all its stored events (every witness,
    /// whatever its source, found by call id), in call order.
    private static func calls(incidentID: Int64, _ db: Database) throws -> [TimelineCall] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(eventReadColumns) FROM call_events AS e
                WHERE e.call_id IN (SELECT call_id FROM incident_calls WHERE incident_id = ?)
                ORDER BY e.call_id, e.id
                """,
            arguments: [incidentID])
        return TimelineCall.calls(mergingGroupsOf: try rows.map { try event(from: $0) })
    }

    /// Rules on these numbers, plus unidentified-caller rules for `target` (and organisation-wide).
    private static func decisions(numbers: Set<E164Number>, unidentifiedTo target: String?, _ db: Database) throws
        -> [TimelineDecision]
    {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if !numbers.isEmpty {
            conditions.append("(match_kind = 'number' AND match_value IN (" + numbers.map { _ in "?" }.joined(separator: ", ") + "))")
            arguments += numbers.sorted().map { $0.description }
        }
        if let target {
            conditions.append("(match_kind = 'unidentified' AND (scope IS NULL OR scope = \(FullLengthText.placeholder)))")
            arguments.append(FullLengthText.argument(target))
        }
        guard !conditions.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT \(Self.ruleColumns) FROM rules WHERE \(conditions.joined(separator: " OR ")) ORDER BY id",
            arguments: StatementArguments(arguments))
        return try rows.map { row in
            let rule = try Self.rule(from: row)
            return TimelineDecision(
                ruleID: rule.id ?? 0, time: rule.createdAt, summary: Self.summary(of: rule), createdBy: rule.createdBy,
                reason: rule.reason, expiresAt: rule.expiresAt)
        }
    }
}
