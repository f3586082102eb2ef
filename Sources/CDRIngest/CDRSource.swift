import CallModel
package import CallPipeline
package import CDRParsing
package import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One CDR file being read: its tailer, its decoder (format configured or detected from the first
/// lines) and its malformed-line accounting. Shared by the daemon's tail and by `replay`.
package final class CDRSource {
    package let tailer: FileTailer
    private let configuredFormat: CDRFormat?
    private let decoderConfiguration: CDRDecoderConfiguration
    private var decoder: CDRLineDecoder?
    private var sampler = MalformedLineSampler()
    private(set) package var format: CDRFormat?
    private(set) package var eventsRead = 0
    private(set) package var malformedLines = 0

    /// - Parameters:
    ///   - format: the dialect, or nil to detect it from the file's first lines.
    package init(
        path: String, format: CDRFormat?, decoderConfiguration: CDRDecoderConfiguration,
        resumingFrom checkpoint: TailCheckpoint? = nil
    ) {
        self.tailer = FileTailer(path: path, resumingFrom: checkpoint)
        self.configuredFormat = format
        self.decoderConfiguration = decoderConfiguration
    }

    package var path: String { tailer.path }

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
        do {
            if let event = try decoder?.decode(line) {
                eventsRead += 1
                processor.process(event, into: &batch)
            }
        } catch {
            malformedLines += 1
            batch.malformedCount += 1
            sampler.record(file: path, line: number, reason: error.description, logger: logger)
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
