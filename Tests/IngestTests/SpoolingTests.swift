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
import SQLiteStore
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// A real SQLite store standing in for the shared PostgreSQL, which the test can take away: every
/// commit fails while `down` is set, as an unreachable database's do.
final class StoreWithOutage: EventStore, @unchecked Sendable {
    // @unchecked: `inner` is a thread-safe store, `down` an atomic.
    struct Unreachable: Error {}
    let inner: SQLiteStore
    let down = Atomic<Bool>(false)

    init(path: String) throws { inner = try SQLiteStore(path: path) }

    func commit(_ batch: IngestBatch) throws {
        if down.load(ordering: .relaxed) { throw Unreachable() }
        try inner.commit(batch)
    }

    func commitPushed(_ batch: IngestBatch) throws {
        if down.load(ordering: .relaxed) { throw Unreachable() }
        try inner.commitPushed(batch)
    }

    func checkpoint(forPath path: String) throws -> TailCheckpoint? { try inner.checkpoint(forPath: path) }
    func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] { try inner.events(countedSince: since, limit: limit) }
    func statistics() throws -> StoreStatistics { try inner.statistics() }
}

/// Issue 15's outage buffer: a site node whose shared store is unreachable spools pushed events in
/// its own SQLite file (acknowledging them to their sources), lets files wait at their checkpoints,
/// and moves the spool to the store, exactly once, when it answers again.
@Suite(.serialized)
struct SpoolingTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "callwarden-spool-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func makeSpool(capacity: Int) throws -> SQLiteEventSpool {
        SQLiteEventSpool(store: try SQLiteStore(path: directory + "/node.sqlite"), capacity: capacity)
    }

    /// A site node's processor: it stores events and leaves counting to the cross-site detector.
    static func siteProcessor() -> CallEventProcessor {
        var processor = CallEventProcessor(detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy())
        processor.detects = false
        return processor
    }

    static func metric(_ name: String, _ metrics: IngestLoopMetrics) -> Double? {
        var collector = MetricsCollector()
        metrics.collectMetrics(into: &collector)
        return collector.family(name)?.value()
    }

    static func eventually(_ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return try condition()
    }

    static func storedIDs(_ store: StoreWithOutage) throws -> [String] {
        try store.events(countedSince: Timestamp(microsecondsSinceEpoch: 0), limit: 10_000).map(\.callID)
    }

    @Test("store down: pushed events are spooled and acknowledged, the file waits; store back: everything is stored once, in order")
    func outageAndCatchUp() async throws {
        let store = try StoreWithOutage(path: directory + "/shared.sqlite")
        store.down.store(true, ordering: .relaxed)
        let spool = try makeSpool(capacity: 1_000)
        let path = try CheckpointedSourceTests().makeFile((0..<3).map { CDRSourceTestLines.line($0, caller: "0770090\(String(format: "%04d", $0))") })
        let file = CDRSource(path: path, format: .asteriskCSV, decoderConfiguration: CDRSourceTestLines.configuration)
        let pushed = PushedSourceTests.ListSource()
        let loop = IngestLoop(
            sources: [file, pushed], store: store, processor: Self.siteProcessor(), pollInterval: .milliseconds(20),
            maximumPerStep: 4, spool: spool, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                pushed.push((0..<10).map(PushedSourceTests.event))
                // Acknowledged from the spool while the store refuses everything.
                #expect(await Self.eventually { pushed.committed.load(ordering: .relaxed) == 10 })
                #expect(try spool.spooledCount() == 10)
                #expect(try store.statistics().events == 0)
                #expect(Self.metric("callwarden_store_degraded", loop.metrics) == 1)
                #expect(Self.metric("callwarden_ingest_spooled_events", loop.metrics) == 10)

                store.down.store(false, ordering: .relaxed)
                #expect(try await Self.eventually { try store.statistics().events == 13 })
                #expect(await Self.eventually { (try? spool.spooledCount()) == 0 })
                pushed.push((10..<12).map(PushedSourceTests.event))
                #expect(try await Self.eventually { try store.statistics().events == 15 })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let ids = try Self.storedIDs(store)
        let pushedIDs = ids.filter { $0.hasPrefix("pushed-") }
        #expect(pushedIDs == (0..<12).map { "pushed-\($0)" }, "each once, in the order they came")
        #expect(ids.filter { !$0.hasPrefix("pushed-") }.count == 3, "the file's lines once each")
        #expect(Self.metric("callwarden_store_degraded", loop.metrics) == 0)
        #expect(Self.metric("callwarden_ingest_spooled_events_total", loop.metrics) == 10)
        #expect(Self.metric("callwarden_ingest_unspooled_events_total", loop.metrics) == 10)
        #expect(Self.metric("callwarden_ingest_spooled_events", loop.metrics) == 0)
    }

    @Test("a full spool is not written past its capacity: the source keeps the rest (its own queue counts drops), and the refusals are counted")
    func fullSpool() async throws {
        let store = try StoreWithOutage(path: directory + "/shared.sqlite")
        store.down.store(true, ordering: .relaxed)
        let spool = try makeSpool(capacity: 6)
        let pushed = PushedSourceTests.ListSource()
        let loop = IngestLoop(
            sources: [pushed], store: store, processor: Self.siteProcessor(), pollInterval: .milliseconds(20),
            maximumPerStep: 4, spool: spool, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                pushed.push((0..<10).map(PushedSourceTests.event))
                #expect(await Self.eventually { (Self.metric("callwarden_ingest_spool_full_total", loop.metrics) ?? 0) >= 1 })
                #expect(pushed.committed.load(ordering: .relaxed) == 6)
                #expect(try spool.spooledCount() == 6)
                store.down.store(false, ordering: .relaxed)
                #expect(try await Self.eventually { try store.statistics().events == 10 })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(try Self.storedIDs(store) == (0..<10).map { "pushed-\($0)" })
        #expect(pushed.committed.load(ordering: .relaxed) == 10)
    }

    @Test("events moved to the store but still in the spool (a kill -9 between the two) are stored once")
    func movedButNotRemoved() async throws {
        let store = try StoreWithOutage(path: directory + "/shared.sqlite")
        let spool = try makeSpool(capacity: 100)
        let events = (0..<5).map(PushedSourceTests.event)
        try spool.spool(events)
        var batch = IngestBatch()
        batch.events = events
        try store.commitPushed(batch)
        let loop = IngestLoop(
            sources: [PushedSourceTests.ListSource()], store: store, processor: Self.siteProcessor(), pollInterval: .milliseconds(20),
            spool: spool, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                #expect(await Self.eventually { (try? spool.spooledCount()) == 0 })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(try Self.storedIDs(store) == (0..<5).map { "pushed-\($0)" })
    }

    @Test("a graceful stop while the store is down keeps what the sources still hold in the spool; the next start moves it")
    func stopWhileDown() async throws {
        let store = try StoreWithOutage(path: directory + "/shared.sqlite")
        store.down.store(true, ordering: .relaxed)
        let pushed = PushedSourceTests.ListSource()
        pushed.push((0..<7).map(PushedSourceTests.event))
        let first = IngestLoop(
            sources: [pushed], store: store, processor: Self.siteProcessor(), pollInterval: .seconds(3_600),
            maximumPerStep: 3, spool: try makeSpool(capacity: 100), logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await first.run() }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(pushed.committed.load(ordering: .relaxed) == 7, "all acknowledged: none is lost")
        #expect(try makeSpool(capacity: 100).spooledCount() == 7)

        store.down.store(false, ordering: .relaxed)
        let second = IngestLoop(
            sources: [PushedSourceTests.ListSource()], store: store, processor: Self.siteProcessor(), pollInterval: .milliseconds(20),
            spool: try makeSpool(capacity: 100), logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await second.run() }
                #expect(try await Self.eventually { try store.statistics().events == 7 })
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(try Self.storedIDs(store) == (0..<7).map { "pushed-\($0)" })
        #expect(try makeSpool(capacity: 100).spooledCount() == 0)
    }
}
