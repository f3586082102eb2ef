import CallModel
import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - History imports (`start: beginning`) on the shared store

extension PostgresStore {
    /// Upserts a batch's detections: an episode whose last call is before `historyCutoff` is stored
    /// as historical (``upsertHistoricalDetection(_:_:)``: kept with its calls, no incident, no
    /// alert); any other through ``upsertDetection(_:_:)`` and, once any history was imported,
    /// forgotten as historical (an episode from the history that goes on live opens its incident
    /// now), as in `SQLiteStore`. Returns whether an alert was written.
    ///
    /// Deliberately not handled: an episode that already opened its incident live and is then
    /// extended by another node's imported history with calls all before the cutoff keeps its
    /// incident as it was (the imported calls are kept as a historical episode, not linked to it).
    func upsertDetections(_ detections: [Detection], historyCutoff: Timestamp?, _ transaction: PostgresSession.Transaction) throws -> Bool {
        var alerted = false
        for detection in detections {
            if let historyCutoff, detection.last < historyCutoff {
                try Self.upsertHistoricalDetection(detection, transaction)
            } else {
                alerted = try upsertDetection(detection, transaction) || alerted
                if historyCutoff != nil { try Self.forgetHistorical(detection, transaction) }
            }
        }
        return alerted
    }

    /// Records that `node` imports `checkpoint`'s file's history, with its cutoff (kept for good:
    /// the cross-site detector may count the history's calls after the import is over).
    static func recordHistoryImport(_ checkpoint: TailCheckpoint, node: String, _ transaction: PostgresSession.Transaction) throws {
        guard let cutoff = checkpoint.historyCutoff else { return }
        try transaction.execute(
            """
            INSERT INTO history_imports (node, path, cutoff) VALUES (\(node), \(checkpoint.path), \(cutoff.microsecondsSinceEpoch))
            ON CONFLICT (node, path) DO UPDATE SET cutoff = greatest(history_imports.cutoff, excluded.cutoff)
            """)
    }

    /// The latest cutoff of any node's history import; nil when none was ever made.
    static func latestHistoryCutoff(_ transaction: PostgresSession.Transaction) throws -> Timestamp? {
        try transaction.rows("SELECT max(cutoff) FROM history_imports").first?.decode(Int64?.self)
            .map(Timestamp.init(microsecondsSinceEpoch:))
    }

    static func upsertHistoricalDetection(_ detection: Detection, _ transaction: PostgresSession.Transaction) throws {
        try transaction.execute(
            """
            INSERT INTO historical_detections (
                episode_key, kind, caller, callers, target, calls, first_time, last_time, action, action_expires, offence, call_ids)
            VALUES (\(ByteBuffer(string: detection.episodeKey)), \(detection.kind.rawValue), \(detection.caller?.description),
                \(try encodeList(detection.callers.map(\.description))), \(ByteBuffer(string: detection.target)),
                \(Int64(detection.calls)), \(detection.first.microsecondsSinceEpoch), \(detection.last.microsecondsSinceEpoch),
                \(detection.action.rawValue), \(detection.actionExpires?.microsecondsSinceEpoch), \(Int64(detection.offence)),
                \(try encodeList(detection.callIDs)))
            ON CONFLICT (episode_key) DO UPDATE SET
                caller = excluded.caller, callers = excluded.callers, calls = excluded.calls, last_time = excluded.last_time,
                action = excluded.action, action_expires = excluded.action_expires, offence = excluded.offence,
                call_ids = excluded.call_ids
            """)
    }

    static func forgetHistorical(_ detection: Detection, _ transaction: PostgresSession.Transaction) throws {
        try transaction.execute("DELETE FROM historical_detections WHERE episode_key = \(ByteBuffer(string: detection.episodeKey))")
    }

    /// How many detection episodes are historical (imported history, no incident).
    package func historicalDetectionCount() throws -> Int {
        Int(try session.query("SELECT count(*) FROM historical_detections").first?.decode(Int64.self) ?? 0)
    }
}
