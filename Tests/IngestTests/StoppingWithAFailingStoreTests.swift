import CDRIngest
import CDRParsing
import CallModel
import CallPipeline
import CallwardenPorts
import HarassmentDetection
import Ingest
import Logging
import MetricsExposition
import PortsTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// A store whose every commit fails (a full disk, a database that went away), in front of the
/// reference store for reads.
private struct FailingStore: EventStore {
    struct Unavailable: Error {}
    let reads = InMemoryStore()
    func commit(_ batch: IngestBatch) throws { throw Unavailable() }
    func checkpoint(forPath path: String) throws -> TailCheckpoint? { try reads.checkpoint(forPath: path) }
    func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] { try reads.events(countedSince: since, limit: limit) }
    func statistics() throws -> StoreStatistics { try reads.statistics() }
}

/// A graceful stop while the store keeps failing: the loop gives the batch up after a bounded
/// number of attempts and returns (before, it retried until systemd killed the process).
struct StoppingWithAFailingStoreTests {
    @Test func aGracefulStopEndsAFailingCommitAfterItsBoundedAttempts() async throws {
        let path = try CheckpointedSourceTests().makeFile([CDRSourceTestLines.line(1)])
        let source = CDRSource(path: path, format: .asteriskCSV, decoderConfiguration: CDRSourceTestLines.configuration)
        let service = IngestLoop(
            sources: [source], store: FailingStore(), processor: CheckpointedSourceTests().makeProcessor(),
            pollInterval: .milliseconds(20), logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                // Wait until the loop has met the failing store at least once.
                while Self.failures(service.metrics) < 1 { try await Task.sleep(for: .milliseconds(10)) }
                trigger.triggerGracefulShutdown()
                // Returns without a cancellation: the stop is not held by the store.
                try await group.waitForAll()
            }
        }
        let failures = Self.failures(service.metrics)
        #expect(failures >= Double(IngestLoop.commitAttemptsWhileStopping))
    }

    static func failures(_ metrics: IngestLoopMetrics) -> Double {
        var collector = MetricsCollector()
        metrics.collectMetrics(into: &collector)
        return collector.family("callwarden_ingest_commit_failures_total")?.value() ?? 0
    }
}
