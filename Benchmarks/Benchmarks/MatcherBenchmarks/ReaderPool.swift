import Foundation
import MatcherBenchmarkSupport
import Synchronization

/// Reader threads that decide on command, and a writer thread that publishes every 10 ms for as
/// long as the pool lives. Threads are made once, so an iteration measures deciding only.
final class ReaderPool: Sendable {
    private let round = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let perThread = Atomic<Int>(0)
    private let quit = Atomic<Bool>(false)
    private let stopped = Atomic<Int>(0)
    private let threads: Int

    init(fixture: MatcherBenchmark, threads: Int) {
        self.threads = threads
        for index in 0..<threads {
            Thread { [self] in
                guard var reader = fixture.makeReader() else { fatalError("no reader slot") }
                reader.skip(index * 100_003)
                var seen = 0
                while true {
                    var current = round.load(ordering: .acquiring)
                    while current == seen && !quit.load(ordering: .relaxed) {
                        usleep(20)
                        current = round.load(ordering: .acquiring)
                    }
                    if quit.load(ordering: .relaxed) { break }
                    seen = current
                    _ = reader.decide(perThread.load(ordering: .relaxed))
                    finished.wrappingAdd(1, ordering: .releasing)
                }
                stopped.wrappingAdd(1, ordering: .releasing)
            }.start()
        }
        Thread { [self] in
            while !quit.load(ordering: .relaxed) {
                usleep(10_000)
                fixture.publishNext()
            }
            stopped.wrappingAdd(1, ordering: .releasing)
        }.start()
    }

    /// Every reader decides `decisionsPerThread` questions; returns when all are done.
    func runOnce(decisionsPerThread: Int) {
        perThread.store(decisionsPerThread, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
        round.wrappingAdd(1, ordering: .releasing)
        while finished.load(ordering: .acquiring) < threads { usleep(20) }
    }

    func stop() {
        quit.store(true, ordering: .releasing)
        while stopped.load(ordering: .acquiring) < threads + 1 { usleep(1_000) }
    }
}
