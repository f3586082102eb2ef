package import CallModel

/// Everything one step of ingestion produced, to be committed atomically: the events read, the
/// detections they opened or updated, the automatic rules those detections asked for, and the
/// checkpoints of the inputs they were read from. Committing it whole is what makes a kill -9 at any
/// moment lose and duplicate nothing.
package struct IngestBatch: Sendable {
    package var events: [CallEvent] = []
    /// New or updated detection episodes, each once in its latest state, keyed by
    /// ``Detection/episodeKey`` (the store upserts). Add them with ``upsert(_:)``, which is O(1);
    /// setting the whole array (tests, fixtures) re-indexes it in O(n).
    package var detections: [Detection] {
        get { upsertedDetections }
        set {
            upsertedDetections = newValue
            detectionPositions = Self.positions(of: newValue)
        }
    }
    /// Automatic block/redirect rules from escalation (``RuleOrigin/detection``).
    package var rules: [Rule] = []
    package var checkpoints: [TailCheckpoint] = []
    /// Records that could not be parsed, counted per source for the stats table.
    package var malformedCount: Int = 0

    /// The storage behind ``detections`` and, for each episode in it, its position (the last one
    /// when an assigned array repeats an episode, as the linear search this replaced found it).
    var upsertedDetections: [Detection] = []
    var detectionPositions: [EpisodeIdentity: Int] = [:]

    package init() {}

    package var isEmpty: Bool {
        events.isEmpty && detections.isEmpty && rules.isEmpty && checkpoints.isEmpty && malformedCount == 0
    }

    private static func positions(of detections: [Detection]) -> [EpisodeIdentity: Int] {
        var positions: [EpisodeIdentity: Int] = [:]
        positions.reserveCapacity(detections.count)
        for (index, detection) in detections.enumerated() { positions[detection.episodeIdentity] = index }
        return positions
    }
}
