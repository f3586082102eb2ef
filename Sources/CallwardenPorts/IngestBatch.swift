package import CallModel

/// Everything one step of ingestion produced, to be committed atomically: the events read, the
/// detections they opened or updated, the automatic rules those detections asked for, and the
/// checkpoints of the inputs they were read from. Committing it whole is what makes a kill -9 at any
/// moment lose and duplicate nothing.
package struct IngestBatch: Sendable {
    package var events: [CallEvent] = []
    /// New or updated detection episodes, keyed by ``Detection/episodeKey`` (the store upserts).
    package var detections: [Detection] = []
    /// Automatic block/redirect rules from escalation (``RuleOrigin/detection``).
    package var rules: [Rule] = []
    package var checkpoints: [TailCheckpoint] = []
    /// Records that could not be parsed, counted per source for the stats table.
    package var malformedCount: Int = 0

    package init() {}

    package var isEmpty: Bool {
        events.isEmpty && detections.isEmpty && rules.isEmpty && checkpoints.isEmpty && malformedCount == 0
    }
}
