import CallModel
import GRDB

extension SQLiteStore {
    /// Stores a detection episode that ended before its file's history cutoff (a `start: beginning`
    /// import of calls made before the daemon first started) as historical, in
    /// `historical_detections`: the episode is kept with its calls, but the
    /// ``Incidents/IncidentLedger`` is not asked — no incident is opened or
    /// touched and no alert is written. An episode that was historical and goes on after the cutoff
    /// is stored through ``upsertDetection(_:_:)`` (its incident opened then) and leaves this table
    /// (``forgetHistorical(_:_:)``).
    /// Deliberately not handled: automatic rules the response policy asked for such an episode are
    /// stored like any other (their expiry counts from the episode's own calls, long past).
    func upsertHistoricalDetection(_ detection: Detection, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO historical_detections (
                    episode_key, kind, caller, callers, target, calls, first_time, last_time, action,
                    action_expires, offence, call_ids)
                VALUES (\(FullLengthText.placeholder), ?, ?, ?, \(FullLengthText.placeholder), ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (episode_key) DO UPDATE SET
                    caller = excluded.caller, callers = excluded.callers, calls = excluded.calls,
                    last_time = excluded.last_time, action = excluded.action,
                    action_expires = excluded.action_expires, offence = excluded.offence,
                    call_ids = excluded.call_ids
                """
        ).execute(arguments: [
            FullLengthText.argument(detection.episodeKey),
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
        ])
    }

    /// An episode stored live: no longer historical.
    /// Whether any episode is stored as historical, inside the caller's transaction.
    static func hasHistoricalDetections(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM historical_detections)")) ?? false
    }

    func forgetHistorical(_ detection: Detection, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM historical_detections WHERE episode_key = \(FullLengthText.placeholder)")
            .execute(arguments: [FullLengthText.argument(detection.episodeKey)])
    }

    /// How many detection episodes are historical (imported history, no incident).
    package func historicalDetectionCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM historical_detections") ?? 0 }
    }
}
