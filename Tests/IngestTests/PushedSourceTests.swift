import CallModel
import CallPipeline
import CallwardenPorts
import PortsTestSupport
import HarassmentDetection
import Ingest
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// Events pushed at the daemon (decision requests, SIP, sockets) go through the same ingest loop
/// as the files, and what a source still holds at shutdown is stored before the loop stops.
struct PushedSourceTests {
    /// A pushed source backed by a plain list: what a bounded queue looks like from the loop's side.
    final class ListSource: AcknowledgedSource {
        let name = "test"
        private let waiting = Mutex<[CallEvent]>([])
        let committed = Atomic<Int>(0)

        func push(_ events: [CallEvent]) { waiting.withLock { $0.append(contentsOf: events) } }

        func drain(into events: inout [CallEvent], maximum: Int) -> Int {
            let taken = waiting.withLock { list in
                let taken = list.prefix(maximum)
                list.removeFirst(taken.count)
                return Array(taken)
            }
            events.append(contentsOf: taken)
            return taken.count
        }

        func didCommit(_ count: Int) { committed.add(count, ordering: .relaxed) }
    }

    static func event(_ index: Int) -> CallEvent {
        let time = Timestamp(microsecondsSinceEpoch: 1_768_208_400_000_000 + Int64(index) * 1_000_000)
        return CallEvent(
            time: time, callID: "pushed-\(index)", source: .decisionRequest, phase: .started,
            caller: CallerIdentity(raw: "07700900\(100 + index)", plan: .unitedKingdom),
            callee: CalledParty(raw: "1010", plan: .unitedKingdom))
    }

    @Test func pushedEventsAreCommittedAndTheRestIsDrainedAtShutdown() async throws {
        let store = InMemoryStore()
        let source = ListSource()
        source.push((0..<5).map(Self.event))
        let service = IngestLoop(
            sources: [source], store: store,
            processor: CallEventProcessor(detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy()),
            pollInterval: .seconds(3600), maximumPerStep: 2, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                while try store.statistics().events < 5 { try await Task.sleep(for: .milliseconds(10)) }
                // The loop now sleeps for an hour; these are only stored by the drain at shutdown.
                source.push((5..<8).map(Self.event))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let stored = try store.events(countedSince: Timestamp(microsecondsSinceEpoch: 0), limit: 100)
        #expect(stored.map(\.callID) == (0..<8).map { "pushed-\($0)" })
        #expect(source.committed.load(ordering: .relaxed) == 8)
    }
}
