import CallPipeline
import CallwardenPorts
import Foundation
import HarassmentDetection
import Ingest
import Logging
import Synchronization
import PortsTestSupport
import Testing

import Glibc

/// The ingest loop and other bulk threads run below the decision path's priority (Linux keeps a nice
/// value per thread), so that under a DoS a decision thread that wakes up runs first.
/// (Linux only, as the daemon is.)
@Suite("Bulk work runs at a lower CPU priority than the decision path")
struct ThreadPriorityTests {
    /// The calling thread's nice value.
    static func ownNice() -> Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    /// The nice value a bulk thread started from a thread at `base` has.
    static func bulk(from base: Int32) -> Int32 { min(19, base + ThreadPriority.bulkNiceIncrement) }

    /// Each thread of this process whose name starts with `prefix` (names are cut at 15 bytes), with its
    /// nice value as `/proc` shows it (field 19 of `stat`).
    static func threads(named prefix: String) throws -> [Int32] {
        var nices: [Int32] = []
        for task in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") {
            guard let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                name.hasPrefix(prefix),
                let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After the name: state (field 3) ... priority (18), nice (19).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 16, let nice = Int32(fields[16]) { nices.append(nice) }
        }
        return nices
    }

    @Test("a bulk dedicated thread runs at nice 19 (the increment above the thread that started it); a normal one at its level")
    func dedicatedThreads() async throws {
        let base = try await DedicatedThread.run(name: "test-normal") { Self.ownNice() }
        let bulk = try await DedicatedThread.run(name: "test-bulk", priority: .bulk) { Self.ownNice() }
        #expect(bulk == Self.bulk(from: base))
        #expect(base < 19 ? bulk > base : bulk == base)
        // The creating thread keeps its own priority: only the new thread changed.
        let again = try await DedicatedThread.run(name: "test-normal") { Self.ownNice() }
        #expect(again == base)
    }

    @Test("what a bulk thread posts, and its result, run on the normal-priority thread that started it")
    func handoff() async throws {
        let base = try await DedicatedThread.run(name: "test-normal") { Self.ownNice() }
        let postedNice = Mutex<Int32?>(nil)
        let workerNice = try await DedicatedThread.runBulk(name: "test-bulk") { handoff in
            handoff.post { postedNice.withLock { $0 = Self.ownNice() } }
            return Self.ownNice()
        }
        #expect(workerNice == Self.bulk(from: base))
        #expect(postedNice.withLock { $0 } == base)
    }

    @Test("the ingest loop's thread runs at the bulk priority")
    func ingestLoopThread() async throws {
        let base = try await DedicatedThread.run(name: "test-normal") { Self.ownNice() }
        let store = InMemoryStore()
        let source = PushedSourceTests.ListSource()
        let service = IngestLoop(
            sources: [source], store: store,
            processor: CallEventProcessor(detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy()),
            pollInterval: .milliseconds(20), maximumPerStep: 2, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        source.push([PushedSourceTests.event(0)])
        while try store.statistics().events < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let nices = try Self.threads(named: "callwarden-inge")
        #expect(!nices.isEmpty)
        #expect(nices.allSatisfy { $0 == Self.bulk(from: base) }, "ingest threads at \(nices), expected \(Self.bulk(from: base))")
        running.cancel()
        _ = await running.result
    }
}
