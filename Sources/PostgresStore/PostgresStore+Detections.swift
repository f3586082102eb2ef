package import CallModel
import CallwardenPorts
import Foundation
import Incidents
import NIOCore
import PostgresNIO

// MARK: - Detections

extension PostgresStore: DetectionStore {
    /// The columns ``detection(from:)`` reads, in order.
    static let detectionColumns = """
        kind, caller, callers, target, calls, first_time, last_time, action, action_expires, offence, call_ids
        """

    /// Detection episodes of every node, the one with the latest last call first.
    package func detections(limit: Int) throws -> [Detection] {
        try session.query(
            """
            SELECT \(unescaped: Self.detectionColumns)
            FROM detections ORDER BY last_time DESC, id DESC LIMIT \(Int64(max(limit, 0)))
            """
        ).map(Self.detection(from:))
    }

    /// A detection from a row that starts with ``detectionColumns``.
    static func detection(from row: PostgresRow) throws -> Detection {
        let (kind, caller, callers, target, calls, first, last, action, actionExpires, offence, callIDs) = try row.decode(
            (String, String?, String, ByteBuffer, Int64, Int64, Int64, String, Int64?, Int64, String).self)
        guard let kind = DetectionKind(rawValue: kind), let action = ResponseAction(rawValue: action) else {
            throw PostgresStoreError(code: .invalidData, message: "detections.kind or detections.action holds an unknown value")
        }
        func number(_ text: String) throws -> E164Number {
            guard let number = E164Number(e164: text) else {
                throw PostgresStoreError(code: .invalidData, message: "detections holds a caller that is not an E.164 number")
            }
            return number
        }
        return Detection(
            kind: kind, caller: try caller.map(number), callers: try decodeList(callers).map(number), target: String(buffer: target),
            calls: Int(calls), first: Timestamp(microsecondsSinceEpoch: first), last: Timestamp(microsecondsSinceEpoch: last),
            action: action, actionExpires: actionExpires.map(Timestamp.init(microsecondsSinceEpoch:)), offence: Int(offence),
            callIDs: try decodeList(callIDs))
    }

    /// Inserts or updates an episode by its ``Detection/episodeKey`` in the caller's transaction,
    /// with what the ``IncidentLedger`` decides for it (the unclosed incident opened or touched, its
    /// calls linked, its alert written into the outbox), as `SQLiteStore` does. The caller has
    /// locked the episode's incident key (``lockIncidentKeys(_:_:)``). Returns whether it wrote an alert.
    /// The key and the target hold the callee's text: `BYTEA`, whole, NUL included (migration `pg-2-text-whole`).
    func upsertDetection(_ detection: Detection, _ transaction: PostgresSession.Transaction) throws -> Bool {
        let episodeKey = ByteBuffer(string: detection.episodeKey)
        let stored = try transaction.rows("SELECT incident_id, call_ids FROM detections WHERE episode_key = \(episodeKey)").first
        let episodeIncidentID = try stored?.decode((Int64?, String).self).0
        let openIncident = try Self.openIncidentState(IncidentKey(detection: detection), transaction)
        var plan = ledger.plan(detection, openIncident: openIncident, episodeIncidentID: episodeIncidentID)
        if let stored, let episodeIncidentID, episodeIncidentID == openIncident?.id {
            // The calls the stored version listed are linked already; only new ones are.
            let linked = Set(try Self.decodeList(try stored.decode((Int64?, String).self).1))
            plan.links.removeAll { linked.contains($0) }
        }
        let executed = try execute(plan, transaction)
        try transaction.execute(
            """
            INSERT INTO detections (
                episode_key, kind, caller, callers, target, calls, first_time, last_time, action, action_expires,
                offence, call_ids, incident_id)
            VALUES (\(episodeKey), \(detection.kind.rawValue), \(detection.caller?.description),
                \(try Self.encodeList(detection.callers.map(\.description))), \(ByteBuffer(string: detection.target)),
                \(Int64(detection.calls)),
                \(detection.first.microsecondsSinceEpoch), \(detection.last.microsecondsSinceEpoch),
                \(detection.action.rawValue), \(detection.actionExpires?.microsecondsSinceEpoch), \(Int64(detection.offence)),
                \(try Self.encodeList(detection.callIDs)), \(executed.incidentID))
            ON CONFLICT (episode_key) DO UPDATE SET
                caller = excluded.caller, callers = excluded.callers, calls = excluded.calls,
                last_time = excluded.last_time, action = excluded.action, action_expires = excluded.action_expires,
                offence = excluded.offence, call_ids = excluded.call_ids, incident_id = excluded.incident_id
            """)
        return executed.alertKey != nil
    }

    /// A list of strings as a JSON array: unambiguous whatever the items hold, a NUL included
    /// (escaped as `\u0000`, which `TEXT` can hold).
    static func encodeList(_ items: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
    }

    static func decodeList(_ text: String) throws -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw PostgresStoreError(code: .invalidData, message: "detections holds a list that is not a JSON array of strings")
        }
    }
}
