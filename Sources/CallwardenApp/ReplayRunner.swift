package import CallModel
package import CallPipeline
package import CallwardenPorts
package import CDRParsing
import CDRIngest
package import Logging
package import PacketCapture
import PacketDecoding
import SIPDialogs
import SQLiteStore

/// What a replay found: the same totals and detections the daemon would have stored.
package struct ReplayReport: Sendable {
    package var events: Int
    package var calls: Int
    package var malformed: Int
    package var detections: [Detection]
    /// Per input file: the detected or configured format and how many lines were bad.
    package var files: [ReplayFileSummary]

    package init(events: Int, calls: Int, malformed: Int, detections: [Detection], files: [ReplayFileSummary]) {
        self.events = events
        self.calls = calls
        self.malformed = malformed
        self.detections = detections
        self.files = files
    }
}

package struct ReplayFileSummary: Sendable {
    package var path: String
    package var format: CDRFormat?
    /// Set instead of ``format`` for a pcap or pcapng capture.
    package var captureFormat: CaptureFileFormat?
    package var events: Int
    package var malformed: Int

    package init(path: String, format: CDRFormat?, captureFormat: CaptureFileFormat? = nil, events: Int, malformed: Int) {
        self.path = path
        self.format = format
        self.captureFormat = captureFormat
        self.events = events
        self.malformed = malformed
    }

    /// The format's name as `--json` and the table print it (`asterisk-csv`, `pcapng` …).
    package var formatName: String? { format?.rawValue ?? captureFormat?.rawValue }
}

/// Runs CDR files and SIP captures through exactly the daemon's pipeline (decoder → processor →
/// batch commit) into a store, then reads the results back from that store: by default a
/// ``ReplayTally``, which counts what SQLite would store (the report is the same, without writing
/// and indexing every event into a file that is thrown away); with ``run(paths:storeAt:)`` a new
/// SQLite store at a path, kept (`replay --store PATH`: the daemon's storage work included, and the
/// result to inspect). Files are read in the order given, as one history (put them in time order).
/// Event time drives detection, so a replay is deterministic.
///
/// A file whose first four bytes are a pcap (either byte order, micro- or nanosecond) or pcapng
/// magic number is a capture: its frames go through `SIPIngestPipeline` (SIP over UDP, TCP, SCTP,
/// WebSocket and HEP inside the capture), and at its end the dialogs still open are closed at the
/// last capture time. Anything else is a CDR file.
package struct ReplayRunner {
    package var configuration: CallwardenConfiguration
    /// Nil: detect each file's format from its first lines.
    package var format: CDRFormat?
    package var logger: Logger

    package init(configuration: CallwardenConfiguration, format: CDRFormat?, logger: Logger) {
        self.configuration = configuration
        self.format = format
        self.logger = logger
    }

    /// Replays `paths` into a new SQLite store created at `path` (which must not exist; see
    /// ``SQLiteStore/replayOutput(path:alertPolicy:)``) and closes it, leaving the file.
    /// - Throws: ``ConfigurationError`` when `path` exists or cannot be created, or as
    ///   ``run(paths:store:)``.
    package func run(paths: [String], storeAt path: String) throws -> ReplayReport {
        let store: SQLiteStore
        do {
            store = try SQLiteStore.replayOutput(path: path)
        } catch let error as SQLiteStoreError {
            throw ConfigurationError(key: "", reason: error.message)
        }
        defer { try? store.close() }
        return try run(paths: paths, store: store)
    }

    /// Replays `paths` into `store` (a fresh ``ReplayTally`` when nil).
    package func run(paths: [String], store givenStore: (any EventStore & DetectionStore)? = nil) throws -> ReplayReport {
        let store: any EventStore & DetectionStore = givenStore ?? ReplayTally()
        var summaries: [ReplayFileSummary] = []
        let committer = OverlappedCommitter(store: store)
        defer { _ = try? committer.finish() }
        // The processor is the stage's; a CDR file borrows it on this thread once the stage is idle.
        let stage = ReplayProcessingStage(processor: configuration.makeProcessor(), committer: committer)
        defer { _ = try? stage.finish() }
        for path in paths {
            if let captureFormat = CaptureFileFormat.detect(path: path) {
                summaries.append(try replayCapture(path: path, format: captureFormat, stage: stage))
                continue
            }
            let source = CDRSource(path: path, format: format, decoderConfiguration: configuration.decoderConfiguration)
            guard FileManagerShim.isReadableFile(path) else {
                throw ConfigurationError(key: "", reason: "cannot read \(path)")
            }
            try stage.withProcessor { processor in
                while true {
                    var batch = IngestBatch()
                    let lines = source.step(maximumLines: 4_096, processor: &processor, batch: &batch, logger: logger)
                    if lines == 0 { source.finish(processor: &processor, batch: &batch, logger: logger) }
                    if !batch.isEmpty { try committer.submit(batch) }
                    if lines == 0 { break }
                }
            }
            if source.format == nil {
                throw ConfigurationError(key: "", reason: "cannot tell the format of \(path); pass --format")
            }
            summaries.append(
                ReplayFileSummary(path: path, format: source.format, events: source.eventsRead, malformed: source.malformedLines))
        }
        try stage.finish()
        try committer.finish()
        return try report(store: store, files: summaries)
    }

    /// Reads, decodes, parses and tracks the capture's dialogs on this thread, step by step; each
    /// step's call events go to `stage` (processor and commit on its thread) while the next is read.
    private func replayCapture(path: String, format: CaptureFileFormat, stage: ReplayProcessingStage) throws -> ReplayFileSummary {
        do {
            let source = try CaptureFileSource(path: path, format: format, configuration: configuration.sipIngestConfiguration)
            var capacity = 0
            while true {
                var events: [CallEvent] = []
                events.reserveCapacity(capacity)
                let frames = try source.read(maximumFrames: 4_096, into: &events)
                if frames == 0 { source.finish(into: &events) }
                capacity = max(capacity, events.count)
                let malformed = source.takeMalformed()
                if !events.isEmpty || malformed != 0 { try stage.submit(events, malformed: malformed) }
                if frames == 0 { break }
            }
            let counters = source.counters
            logger.info(
                "capture replayed",
                metadata: [
                    "capture.file": "\(path)", "sip.frames": "\(counters.packets.frames)",
                    "sip.messages": "\(counters.dialogs.messages)", "sip.dropped.malformed": "\(counters.malformedTotal)",
                ])
            return ReplayFileSummary(
                path: path, format: nil, captureFormat: format, events: source.eventsRead, malformed: Int(counters.malformedTotal))
        } catch let error as CaptureError {
            throw ConfigurationError(key: "", reason: error.description)
        }
    }

    private func report(store: any EventStore & DetectionStore, files summaries: [ReplayFileSummary]) throws -> ReplayReport {
        let statistics = try store.statistics()
        let detections = try store.detections(limit: Int.max).sorted {
            ($0.kind.rawValue, $0.first, $0.episodeKey) < ($1.kind.rawValue, $1.first, $1.episodeKey)
        }
        return ReplayReport(
            events: statistics.events, calls: statistics.calls, malformed: statistics.malformed,
            detections: detections, files: summaries)
    }
}
