package import CallModel
package import CallPipeline
package import CallwardenPorts
package import CDRParsing
package import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One CDR file being read: its tailer, its decoder (format configured or detected from the first
/// lines) and its malformed-line accounting. Shared by `replay` (``step(maximumLines:processor:batch:logger:)``)
/// and the daemon's ingest loop, for which it is a ``CallwardenPorts/CheckpointedSource``.
///
/// `@unchecked Sendable`: not thread-safe; one owner at a time (the ingest loop's thread, or the replay).
package final class CDRSource: CheckpointedSource, @unchecked Sendable {
    package let tailer: FileTailer
    private let configuredFormat: CDRFormat?
    private let start: CDRFileConfiguration.Start
    private let decoderConfiguration: CDRDecoderConfiguration
    private var decoder: CDRLineDecoder?
    private var sampler = MalformedLineSampler()
    private(set) package var format: CDRFormat?
    private(set) package var eventsRead = 0
    private(set) package var malformedLines = 0
    /// Where malformed lines are reported when read as a ``CallwardenPorts/CheckpointedSource``.
    private let logger: Logger

    /// - Parameters:
    ///   - format: the dialect, or nil to detect it from the file's first lines.
    ///   - start: where a first start (``resume(from:)`` with no checkpoint) reads from; `replay`
    ///     and a source stepped directly read from the beginning.
    package init(
        path: String, format: CDRFormat?, decoderConfiguration: CDRDecoderConfiguration,
        resumingFrom checkpoint: TailCheckpoint? = nil, start: CDRFileConfiguration.Start = .beginning,
        logger: Logger = Logger(label: "callwarden.cdr")
    ) {
        self.tailer = FileTailer(path: path, resumingFrom: checkpoint)
        self.start = start
        self.configuredFormat = format
        self.decoderConfiguration = decoderConfiguration
        self.logger = logger
    }

    package var path: String { tailer.path }

    // MARK: CheckpointedSource

    package var name: String { path }
    package var checkpointKey: String { path }

    package func resume(from checkpoint: TailCheckpoint?) {
        tailer.resume(from: checkpoint)
        if checkpoint == nil {
            switch start {
            case .end: tailer.startAtEnd()
            case .beginning: tailer.importHistory()
            }
        }
    }

    package func read(into events: inout [CallEvent], maximum: Int) -> CheckpointedRead {
        guard prepareDecoder() else { return CheckpointedRead() }
        var malformed = 0
        let lines = tailer.poll(maximumLines: maximum) { line, number in
            if let event = decode(line, number: number, logger: logger) {
                events.append(event)
            } else if decodeFailed {
                malformed += 1
            }
        }
        let moved = tailer.positionMovedWithoutLines
        return CheckpointedRead(records: lines, malformed: malformed, positionMoved: moved)
    }

    package func checkpoint(at time: Timestamp) -> TailCheckpoint {
        tailer.checkpoint(at: time)
    }

    // MARK: Replay

    /// Reads up to `maximumLines` lines, processing each into `batch`. Returns the lines read.
    package func step(
        maximumLines: Int, processor: inout CallEventProcessor, batch: inout IngestBatch, logger: Logger
    ) -> Int {
        guard prepareDecoder() else { return 0 }
        return tailer.poll(maximumLines: maximumLines) { line, number in
            handle(line, number: number, processor: &processor, batch: &batch, logger: logger)
        }
    }

    /// Hands out the last line if it has no newline (end of a one-shot read).
    package func finish(processor: inout CallEventProcessor, batch: inout IngestBatch, logger: Logger) {
        guard prepareDecoder() else { return }
        tailer.finish { line, number in
            handle(line, number: number, processor: &processor, batch: &batch, logger: logger)
        }
    }

    private func handle(
        _ line: UnsafeRawBufferPointer, number: Int64, processor: inout CallEventProcessor, batch: inout IngestBatch,
        logger: Logger
    ) {
        if let event = decode(line, number: number, logger: logger) {
            processor.process(event, into: &batch)
        } else if decodeFailed {
            batch.malformedCount += 1
        }
    }

    /// Whether the last ``decode(_:number:logger:)`` returning nil was a malformed line (not a
    /// line the format skips, such as a header).
    private var decodeFailed = false

    /// The event of one line; nil for a line without one (``decodeFailed`` tells whether it was malformed).
    private func decode(_ line: UnsafeRawBufferPointer, number: Int64, logger: Logger) -> CallEvent? {
        decodeFailed = false
        do {
            guard let event = try decoder?.decode(line) else { return nil }
            eventsRead += 1
            return event
        } catch {
            decodeFailed = true
            malformedLines += 1
            sampler.record(file: path, line: number, reason: error.description, logger: logger)
            return nil
        }
    }

    /// Creates the decoder, detecting the format when not configured. False while undecidable
    /// (the file is missing or has no complete line yet).
    private func prepareDecoder() -> Bool {
        if decoder != nil { return true }
        guard let chosen = configuredFormat ?? detectFormat() else { return false }
        format = chosen
        decoder = CDRLineDecoder(format: chosen, configuration: decoderConfiguration)
        return true
    }

    private func detectFormat() -> CDRFormat? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 65_536)
        let count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let lines = head[0..<count].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .dropLast(count == head.count ? 1 : 0)
            .prefix(8)
            .map { Array($0) }
        return CDRFormatDetector.detect(firstLines: lines)
    }
}
