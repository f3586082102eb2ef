package import CallModel
import CallPipeline
import GRDB

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
                sql: """
                    SELECT kind, caller, callers, target, calls, first_time, last_time, action,
                           action_expires, offence, call_ids
                    FROM detections ORDER BY last_time DESC, id DESC LIMIT ?
                    """,
                arguments: [max(limit, 0)])
            return try rows.map(Self.detection(from:))
        }
    }

    /// Incidents, the most recently updated first, for the CLI.
    ///
    /// - Parameter limit: The most incidents returned.
    /// - Throws: ``SQLiteStoreError``.
    package func incidents(limit: Int) throws -> [IncidentSummary] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, identity, target, status, opened_at, updated_at, detection_count
                    FROM incidents ORDER BY updated_at DESC, id DESC LIMIT ?
                    """,
                arguments: [max(limit, 0)])
            return try rows.map { row in
                IncidentSummary(
                    id: try row.decode(atIndex: 0),
                    kind: try StoredValue.decode(row.decode(atIndex: 1), as: DetectionKind.self, column: "incidents.kind"),
                    identity: try row.decode(atIndex: 2),
                    target: try row.decode(atIndex: 3),
                    status: try StoredValue.decode(row.decode(atIndex: 4), as: IncidentStatus.self, column: "incidents.status"),
                    openedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 5)),
                    updatedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 6)),
                    detectionCount: try row.decode(atIndex: 7))
            }
        }
    }

    /// Inserts or updates a detection episode by its ``Detection/episodeKey`` and opens or touches the
    /// unclosed incident of its kind, identity and target, inside the caller's transaction.
    ///
    /// An episode seen for the first time (or moved to a new incident because the old one was
    /// closed) adds one to the incident's `detection_count`; updates of the same episode only move
    /// its `updated_at` forward.
    func upsertDetection(_ detection: Detection, _ db: Database) throws {
        let episodeKey = detection.episodeKey
        let previousIncident = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT incident_id FROM detections WHERE episode_key = ?"),
            arguments: [episodeKey]
        ).first

        let incidentIDs = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    INSERT INTO incidents (kind, identity, target, status, opened_at, updated_at, detection_count)
                    VALUES (?, ?, ?, 'open', ?, ?, 0)
                    ON CONFLICT (kind, identity, target) WHERE status <> 'closed' DO UPDATE SET
                        updated_at = CASE WHEN excluded.updated_at > incidents.updated_at
                                          THEN excluded.updated_at ELSE incidents.updated_at END
                    RETURNING id
                    """),
            arguments: [
                detection.kind.rawValue, Self.incidentIdentity(of: detection), detection.target,
                detection.first.microsecondsSinceEpoch, detection.last.microsecondsSinceEpoch,
            ])
        guard let incidentID = incidentIDs.first else {
            throw SQLiteStoreError(code: .database, message: "opening an incident returned no id")
        }
        if previousIncident != incidentID {
            try db.cachedStatement(sql: "UPDATE incidents SET detection_count = detection_count + 1 WHERE id = ?")
                .execute(arguments: [incidentID])
        }

        try db.cachedStatement(
            sql: """
                INSERT INTO detections (
                    episode_key, kind, caller, callers, target, calls, first_time, last_time, action,
                    action_expires, offence, call_ids, incident_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (episode_key) DO UPDATE SET
                    caller = excluded.caller, callers = excluded.callers, calls = excluded.calls,
                    last_time = excluded.last_time, action = excluded.action,
                    action_expires = excluded.action_expires, offence = excluded.offence,
                    call_ids = excluded.call_ids, incident_id = excluded.incident_id
                """
        ).execute(arguments: [
            episodeKey,
            detection.kind.rawValue,
            detection.caller?.description,
            try StoredValue.encodeList(detection.callers.map(\.description)),
            detection.target,
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

    /// The identity an incident groups by: the identity part of the episode key.
    static func incidentIdentity(of detection: Detection) -> String {
        if let caller = detection.caller { return caller.description }
        if detection.callers.isEmpty { return "unidentified" }
        return detection.callers.map(\.description).joined(separator: ",")
    }

    private static func detection(from row: Row) throws -> Detection {
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
            target: try row.decode(atIndex: 3),
            calls: try row.decode(atIndex: 4),
            first: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 5)),
            last: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 6)),
            action: try StoredValue.decode(row.decode(atIndex: 7), as: ResponseAction.self, column: "detections.action"),
            actionExpires: StoredValue.timestamp(try row.decode(atIndex: 8)),
            offence: try row.decode(atIndex: 9),
            callIDs: try StoredValue.decodeList(row.decode(atIndex: 10), column: "detections.call_ids"))
    }
}
