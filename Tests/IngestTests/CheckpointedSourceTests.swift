import CDRIngest
import CDRParsing
import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import HarassmentDetection
import Ingest
import Logging
import MetricsExposition
import PortsTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Asterisk Master.csv lines of synthetic calls.
enum CDRSourceTestLines {
    static let configuration = CDRDecoderConfiguration(plan: .unitedKingdom, timeZone: .utc)

    static func line(_ index: Int, caller: String = "07700900123") -> String {
        "\"\",\"\(caller)\",\"1010\",\"from-trunk\",\"\"\"Caller\"\" <\(caller)>\",\"PJSIP/trunk-\(index)\",\"PJSIP/1010-\(index)\","
            + "\"Dial\",\"PJSIP/1010,30\",\"2026-01-12 09:\(String(format: "%02d", index % 60)):00\",\"2026-01-12 09:\(String(format: "%02d", index % 60)):05\","
            + "\"2026-01-12 09:\(String(format: "%02d", index % 60)):45\",45,40,\"ANSWERED\",\"DOCUMENTATION\",\"1768208400.\(index)\""
    }
}

/// A CDR file as a checkpointed source of the ingest loop: what it reads is committed with its
/// checkpoint, and the loop's counters say so.
struct CheckpointedSourceTests {
    static let configuration = CDRSourceTestLines.configuration

    func makeFile(_ lines: [String]) throws -> String {
        let directory = NSTemporaryDirectory() + "callwarden-ingest-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/Master.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func makeProcessor() -> CallEventProcessor {
        CallEventProcessor(detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy())
    }

    @Test func theLoopCommitsLinesWithTheirCheckpointAndStopsGracefully() async throws {
        let path = try makeFile((0..<10).map { CDRSourceTestLines.line($0, caller: "0770090\(String(format: "%04d", $0))") })
        let store = InMemoryStore()
        let source = CDRSource(path: path, format: .asteriskCSV, decoderConfiguration: Self.configuration)
        let service = IngestLoop(
            sources: [source], store: store, processor: makeProcessor(), pollInterval: .milliseconds(20),
            maximumPerStep: 3, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                while try store.statistics().events < 10 { try await Task.sleep(for: .milliseconds(10)) }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((CDRSourceTestLines.line(10) + "\n").utf8))
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

extension CheckpointedSourceTests {
    static func evictions(_ metrics: IngestLoopMetrics) -> Double? {
        var collector = MetricsCollector()
        metrics.collectMetrics(into: &collector)
        return collector.family("callwarden_call_correlation_evictions_total")?.value()
    }

    /// The witness correlation's evictions reach `/metrics` through the loop's counters.
    @Test func correlationEvictionsAreExported() async throws {
        let path = try makeFile((0..<10).map { CDRSourceTestLines.line($0) })
        let store = InMemoryStore()
        let source = CDRSource(path: path, format: .asteriskCSV, decoderConfiguration: Self.configuration)
        let processor = CallEventProcessor(
            detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy(),
            deduplicator: CallDeduplicator(capacity: 4))
        let service = IngestLoop(
            sources: [source], store: store, processor: processor, pollInterval: .milliseconds(20), maximumPerStep: 3,
            logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                var evictions = Self.evictions(service.metrics)
                for _ in 0..<3_000 where evictions != 6 {  // a bound on waiting, not a timing assertion
                    try await Task.sleep(for: .milliseconds(10))
                    evictions = Self.evictions(service.metrics)
                }
                #expect(evictions == 6)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        // Ten calls through a table of four: the six seen first were forgotten, each counted.
        #expect(try store.statistics().calls == 10)
    }
}
