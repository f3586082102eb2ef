package import CallModel
package import CallPipeline
package import CDRParsing
import CDRIngest
package import Logging
import SQLiteStore

/// What a replay found: the same totals and detections the daemon would have stored.
package struct ReplayReport: Sendable {
    package var events: Int
    package var calls: Int
    package var malformed: Int
    package var detections: [Detection]
    /// Per input file: the detected or configured format and how many lines were bad.
    package var files: [ReplayFileSummary]
}

package struct ReplayFileSummary: Sendable {
    package var path: String
    package var format: CDRFormat?
    package var events: Int
    package var malformed: Int
}

/// Runs CDR files through exactly the daemon's pipeline (decoder → processor → batch commit)
/// into a temporary SQLite store, then reads the results back from that store. Files are read in
/// the order given, as one history (put them in time order). Event time drives detection, so a
/// replay is deterministic.
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

    /// Replays `paths` into `store` (a fresh temporary SQLite store when nil).
    package func run(paths: [String], store givenStore: (any EventStore & DetectionStore)? = nil) throws -> ReplayReport {
        let temporary = givenStore == nil ? try SQLiteStore.temporary() : nil
        defer { try? temporary?.close() }
        guard let store: any EventStore & DetectionStore = givenStore ?? temporary else {
            preconditionFailure("a store is always available")
        }
        var processor = configuration.makeProcessor()
        var summaries: [ReplayFileSummary] = []
        for path in paths {
            let source = CDRSource(path: path, format: format, decoderConfiguration: configuration.decoderConfiguration)
            guard FileManagerShim.isReadableFile(path) else {
                throw ConfigurationError(key: "", reason: "cannot read \(path)")
            }
            while true {
                var batch = IngestBatch()
                let lines = source.step(maximumLines: 4_096, processor: &processor, batch: &batch, logger: logger)
                if lines == 0 { source.finish(processor: &processor, batch: &batch, logger: logger) }
                if !batch.isEmpty { try store.commit(batch) }
                if lines == 0 { break }
            }
            if source.format == nil {
                throw ConfigurationError(key: "", reason: "cannot tell the format of \(path); pass --format")
            }
            summaries.append(
                ReplayFileSummary(path: path, format: source.format, events: source.eventsRead, malformed: source.malformedLines))
        }
        let statistics = try store.statistics()
        let detections = try store.detections(limit: Int.max).sorted {
            ($0.kind.rawValue, $0.first, $0.episodeKey) < ($1.kind.rawValue, $1.first, $1.episodeKey)
        }
        return ReplayReport(
            events: statistics.events, calls: statistics.calls, malformed: statistics.malformed,
            detections: detections, files: summaries)
    }
}
