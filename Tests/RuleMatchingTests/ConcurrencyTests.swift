import CallModel
import Foundation
import RuleMatching
import Synchronization
import Testing

/// Readers deciding on real OS threads while a writer compiles and publishes new snapshots.
///
/// Generation `g` blocks the watched number with rule id `g` and reason "generation g", and carries
/// filler rules so that each arena is a real allocation. A reader must only ever see ids of
/// generations that were published, never going backwards, with the reason that belongs to the id.
/// Freed arenas are overwritten in debug builds, so a reader inside a freed snapshot would see
/// garbage (or crash) instead of a published generation. The suite is what `scripts/test-tsan` runs.
@Suite(.serialized)
struct ConcurrencyTests {
    typealias F = RuleFixtures
    static let watched = "+442079460123"

    static func generation(_ id: Int64) -> RuleSnapshot {
        var rules = [F.rule(id, F.exact(watched), reason: "generation \(id)")]
        for filler in 0..<200 {
            rules.append(F.rule(1_000_000 + id * 1_000 + Int64(filler), F.exact("+447700" + String(900_000 + filler))))
        }
        return F.compile(rules)
    }

    /// What one reader thread saw.
    final class ReaderLog: @unchecked Sendable {
        // Written by its reader thread only, read after that thread has signalled completion.
        var decisions = 0
        var problems: [String] = []
        var lastSeen: Int64 = 0
        var distinctSeen = Set<Int64>()
    }

    /// Flags and results shared between the test's threads. Only atomics synchronise them (no
    /// `Mutex` or semaphore, whose futex waits Thread Sanitizer cannot see through).
    final class Shared: @unchecked Sendable {
        let stop = Atomic<Bool>(false)
        /// Written by the writer thread only, read after its completion was observed.
        var watchers: [() -> Bool] = []
    }

    /// One thread's completion, published with release/acquire.
    final class Completion: Sendable {
        private let done = Atomic<Bool>(false)

        func finish() { done.store(true, ordering: .releasing) }

        func wait() {
            while !done.load(ordering: .acquiring) { usleep(1_000) }
        }
    }

    /// Runs `body` on a new OS thread.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> Completion {
        let completion = Completion()
        let thread = Thread {
            body()
            completion.finish()
        }
        thread.stackSize = 1 << 20
        thread.start()
        return completion
    }

    @Test(arguments: [(3, 150), (1, 60)])
    func readersOnlySeePublishedSnapshotsWhileTheWriterPublishes(readers: Int, generations: Int) throws {
        let publisher = RulePublisher(initial: Self.generation(1), readerSlots: 8)
        let shared = Shared()
        let logs = (0..<readers).map { _ in ReaderLog() }
        let caller = F.caller(Self.watched)
        let maximum = Int64(generations)

        let readerDone = logs.map { log in
            Self.spawn { [publisher] in
                guard let reader = publisher.makeReader() else {
                    log.problems.append("no reader slot")
                    return
                }
                while !shared.stop.load(ordering: .acquiring) {
                    let decision = reader.decide(caller, calleeKey: "1001", at: F.monday)
                    log.decisions += 1
                    guard let id = decision.ruleID, (1...maximum).contains(id) else {
                        log.problems.append("answer from no published snapshot: \(String(describing: decision.ruleID))")
                        return
                    }
                    if id < log.lastSeen { log.problems.append("went back from \(log.lastSeen) to \(id)") }
                    if decision.reason != "generation \(id)" { log.problems.append("rule \(id) with reason \(decision.reason)") }
                    log.lastSeen = id
                    log.distinctSeen.insert(id)
                }
                // The writer had finished before `stop` was set: this decision must see its last publish.
                log.lastSeen = reader.decide(caller, calleeKey: "1001", at: F.monday).ruleID ?? 0
            }
        }

        // The writer compiles each generation itself and keeps no reference: only the publisher
        // holds it, so reclaiming it really frees it.
        let writerDone = Self.spawn { [publisher] in
            for id in 2...maximum {
                let snapshot = Self.generation(id)
                shared.watchers.append { [weak snapshot] in snapshot == nil }
                publisher.publish(snapshot)
                usleep(500)
            }
        }
        writerDone.wait()
        shared.stop.store(true, ordering: .releasing)
        for done in readerDone { done.wait() }

        for log in logs {
            #expect(log.problems.isEmpty, "\(log.problems.prefix(3))")
            #expect(log.decisions > 0)
            #expect(log.lastSeen == maximum, "after the writer stopped the reader saw the last generation")
        }
        #expect(logs.map(\.distinctSeen.count).max() ?? 0 > 1, "readers must have seen publishes happen")

        // Every reader has left: everything retired can go, and was freed.
        publisher.reclaim()
        let statistics = publisher.statistics
        #expect(statistics.published == generations - 1)
        #expect(statistics.reclaimed == generations - 1)
        #expect(statistics.pendingReclamation == 0)
        #expect(statistics.claimedSlots == 0, "reader threads gave their slots back")
        // Every published generation but the current one has really been freed.
        let freed = shared.watchers.filter { $0() }.count
        #expect(freed == generations - 2)
    }
}
