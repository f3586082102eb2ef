import CDRIngest
import CDRParsing
import CallModel
import CallPipeline
import Foundation
import HarassmentDetection
import InMemoryLogging
import Logging
import MetricsExposition
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// A CDR file through the real decoder and processor: malformed lines are counted and sampled
/// into the log without their content; the tail service commits what it reads with its checkpoint.
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

    @Test func theTailServiceCommitsLinesWithTheirCheckpointAndStopsGracefully() async throws {
        let path = try makeFile((0..<10).map { Self.line($0, caller: "0770090\(String(format: "%04d", $0))") })
        let store = InMemoryStore()
        let service = CDRTailService(
            files: [CDRFileConfiguration(path: path, format: .asteriskCSV)], decoderConfiguration: Self.configuration,
            store: store, makeProcessor: { makeProcessor() }, pollInterval: .milliseconds(20), maximumLinesPerStep: 3,
            logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                while try store.statistics().events < 10 { try await Task.sleep(for: .milliseconds(10)) }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((Self.line(10) + "\n").utf8))
                try handle.close()
                while try store.statistics().events < 11 { try await Task.sleep(for: .milliseconds(10)) }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(try store.statistics().events == 11)
        let checkpoint = try #require(try store.checkpoint(forPath: path))
        #expect(checkpoint.lineNumber == 11)
        #expect(checkpoint.offset == Int64((try Data(contentsOf: URL(fileURLWithPath: path))).count))
        // What the loop counted for /metrics: per file, once per committed step.
        var collector = MetricsCollector()
        service.metrics.collectMetrics(into: &collector)
        #expect(collector.family("callwarden_cdr_lines_total")?.value(["file": path]) == 11)
        #expect(collector.family("callwarden_cdr_events_committed_total")?.value(["file": path]) == 11)
        #expect(collector.family("callwarden_cdr_malformed_lines_total")?.value(["file": path]) == 0)
        #expect(collector.family("callwarden_ingest_commit_failures_total")?.value() == 0)
    }
}
