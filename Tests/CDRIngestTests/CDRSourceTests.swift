import CDRIngest
import CDRParsing
import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import HarassmentDetection
import InMemoryLogging
import Logging
import Testing

/// A CDR file through the real decoder and processor: malformed lines are counted and sampled
/// into the log without their content.
struct CDRSourceTests {
    static let configuration = CDRDecoderConfiguration(plan: .unitedKingdom, timeZone: .utc)

    static func line(_ index: Int, caller: String = "07700900123") -> String {
        "\"\",\"\(caller)\",\"1010\",\"from-trunk\",\"\"\"Caller\"\" <\(caller)>\",\"PJSIP/trunk-\(index)\",\"PJSIP/1010-\(index)\","
            + "\"Dial\",\"PJSIP/1010,30\",\"2026-01-12 09:\(String(format: "%02d", index % 60)):00\",\"2026-01-12 09:\(String(format: "%02d", index % 60)):05\","
            + "\"2026-01-12 09:\(String(format: "%02d", index % 60)):45\",45,40,\"ANSWERED\",\"DOCUMENTATION\",\"1768208400.\(index)\""
    }

    func makeFile(_ lines: [String]) throws -> String {
        let directory = NSTemporaryDirectory() + "callwarden-source-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/Master.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func makeProcessor() -> CallEventProcessor {
        CallEventProcessor(detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy())
    }

    @Test func malformedLinesAreCountedAndSampledWithoutTheirContent() throws {
        let path = try makeFile([
            Self.line(1), "\"broken\",\"07700900999\"", Self.line(2), "not,a,cdr,07700900888", Self.line(3),
        ])
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test", factory: { _ in logs })
        let source = CDRSource(path: path, format: .asteriskCSV, decoderConfiguration: Self.configuration)
        var processor = makeProcessor()
        var batch = IngestBatch()
        #expect(source.step(maximumLines: 100, processor: &processor, batch: &batch, logger: logger) == 5)
        #expect(source.eventsRead == 3)
        #expect(source.malformedLines == 2)
        #expect(batch.malformedCount == 2)
        #expect(batch.events.map(\.callID) == ["1768208400.1", "1768208400.2", "1768208400.3"])
        // One log line for the first bad line (line 2); the second falls in the same interval.
        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["cdr.line"] == "2")
        let logged = warnings.map { "\($0.message) \($0.metadata)" }.joined()
        #expect(!logged.contains("07700900999"))
        #expect(!logged.contains("07700900888"))
    }

    @Test func theFormatIsDetectedFromTheFirstLines() throws {
        let path = try makeFile([
            #"{"time":"2026-01-12T09:00:00Z","call_id":"a","phase":"started","caller":"07700900123","callee":"1010"}"#
        ])
        let source = CDRSource(path: path, format: nil, decoderConfiguration: Self.configuration)
        var processor = makeProcessor()
        var batch = IngestBatch()
        _ = source.step(maximumLines: 10, processor: &processor, batch: &batch, logger: Logger(label: "test"))
        #expect(source.format == .jsonLines)
        #expect(batch.events.first?.caller.number?.description == "+447700900123")
    }
}
