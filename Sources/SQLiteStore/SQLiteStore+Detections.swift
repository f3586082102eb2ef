package import CallModel
import CallwardenPorts
import GRDB
import Incidents

// MARK: - Detections and incidents

extension SQLiteStore {
    /// Detection episodes, the one with the latest last call first.
    ///
    /// - Parameter limit: The most episodes returned.
    /// - Throws: ``SQLiteStoreError``.
    package func detections(limit: Int) throws -> [Detection] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.detectionColumns) FROM detections ORDER BY last_time DESC, id DESC LIMIT ?",
                arguments: [max(limit, 0)])
            return try rows.map(Self.detection(from:))
        }
    }

    /// Inserts or updates a detection episode by its ``Detection/episodeKey`` inside the caller's
    /// transaction, with what the ``IncidentLedger`` decides for it: the unclosed incident it
    /// belongs to opened or touched, its calls linked, and its alert written into the outbox when
    /// the alert policy says so — so the incident change and its alert commit together. With
    /// `pending`, the calls are linked when the batch inserts its links (``PendingCallLinks``).
    func upsertDetection(_ detection: Detection, _ db: Database, deferringLinksTo pending: PendingCallLinks? = nil) throws {
        let episodeKey = detection.episodeKey
        let stored = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT incident_id, call_ids FROM detections WHERE episode_key = \(FullLengthText.placeholder)"),
            arguments: [FullLengthText.argument(episodeKey)])
        let episodeIncidentID: Int64? = try stored?.decode(atIndex: 0)
        let openIncident = try openIncidentState(IncidentKey(detection: detection), db)
        var plan = ledger.plan(detection, openIncident: openIncident, episodeIncidentID: episodeIncidentID)
        if let stored, let episodeIncidentID, episodeIncidentID == openIncident?.id {
            // The episode stays with the incident its stored version was linked to: the calls that
            // version listed are linked already (and were checked for a withheld number then), so
            // only the new ones are. Without this each update of a 50-call episode re-linked all 50
            // (50 ignored inserts and 50 withheld look-ups), ~2,000 times per batch in a DoS hour.
            let linked = Set(
                try StoredValue.decodeList(stored.decode(atIndex: 1), column: "detections.call_ids"))
            plan.links.removeAll { linked.contains($0) }
        }
        let incidentID = try execute(plan, db, deferringLinksTo: pending).incidentID

        // The episode key and the target hold the callee's text whole, NUL included (``FullLengthText``).
        try db.cachedStatement(
            sql: """
                INSERT INTO detections (
                    episode_key, kind, caller, callers, target, calls, first_time, last_time, action,
                    action_expires, offence, call_ids, incident_id)
                VALUES (\(FullLengthText.placeholder), ?, ?, ?, \(FullLengthText.placeholder), ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (episode_key) DO UPDATE SET
                    caller = excluded.caller, callers = excluded.callers, calls = excluded.calls,
                    last_time = excluded.last_time, action = excluded.action,
                    action_expires = excluded.action_expires, offence = excluded.offence,
                    call_ids = excluded.call_ids, incident_id = excluded.incident_id
                """
        ).execute(arguments: [
            FullLengthText.argument(episodeKey),
            detection.kind.rawValue,
            detection.caller?.description,
            try StoredValue.encodeList(detection.callers.map(\.description)),
            FullLengthText.argument(detection.target),
            detection.calls,
            detection.first.microsecondsSinceEpoch,
            detection.last.microsecondsSinceEpoch,
            detection.action.rawValue,
            detection.actionExpires?.microsecondsSinceEpoch,
            detection.offence,
            try StoredValue.encodeList(detection.callIDs),
            incidentID,
        ])
    }

    /// The columns ``detection(from:)`` reads, in order; the target (the callee's text) whole, NUL
    /// included (``FullLengthText``). `caller` and `callers` hold E.164 numbers (digits only) and
    /// `call_ids` a JSON list, which escapes a NUL as `\u0000`.
    static let detectionColumns = """
        kind, caller, callers, CAST(target AS BLOB), calls, first_time, last_time, action, action_expires, offence, call_ids
        """

    /// A detection from a row with ``detectionColumns`` in order.
    static func detection(from row: Row) throws -> Detection {
        let callers = try StoredValue.decodeList(row.decode(atIndex: 2), column: "detections.callers").map {
            guard let number = try StoredValue.number($0, column: "detections.callers") else {
                throw SQLiteStoreError(code: .invalidData, message: "detections.callers holds an empty item")
            }
            return number
        }
        return Detection(
            kind: try StoredValue.decode(row.decode(atIndex: 0), as: DetectionKind.self, column: "detections.kind"),
            caller: try StoredValue.number(row.decode(atIndex: 1), column: "detections.caller"),
            callers: callers,
            target: try row.fullText(atIndex: 3) ?? "",
            calls: try row.decode(atIndex: 4),
            first: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 5)),
            last: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 6)),
            action: try StoredValue.decode(row.decode(atIndex: 7), as: ResponseAction.self, column: "detections.action"),
            actionExpires: StoredValue.timestamp(try row.decode(atIndex: 8)),
            offence: try row.decode(atIndex: 9),
            callIDs: try StoredValue.decodeList(row.decode(atIndex: 10), column: "detections.call_ids"))
    }
}
