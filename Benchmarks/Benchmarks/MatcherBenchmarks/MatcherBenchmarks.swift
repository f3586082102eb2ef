import Benchmark
import Foundation
import MatcherBenchmarkSupport
import Synchronization

/// The rule matcher on the call path (issue 4): ns per decision on one thread with 10k and 1M
/// rules (75 % hits, 25 % misses, random order), decisions per second with 1 and 2 reader threads
/// while a writer publishes a new snapshot every 10 ms, and mallocs per decision (must be 0).
/// Rule sets are the typical mix (see `MatcherBenchmarkMix`); the dense-scopes stress mix is
/// and the exact-numbers-only mix are measured single-threaded beside it.
///
/// Every benchmark is scaled by a million: each iteration decides 1,000,000 questions, so the
/// scaled wall clock is ns per decision and the scaled throughput decisions per second. Run with
/// `CALLWARDEN_BENCHMARKS=1 swift package --scratch-path .build-benchmarks --allow-writing-to-package-directory benchmark --target MatcherBenchmarks --scale`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuUser, .throughput, .mallocCountTotal],
        scalingFactor: .mega, maxDuration: .seconds(10), maxIterations: 25)

    for ruleCount in [10_000, 1_000_000] {
        let label = ruleCount >= 1_000_000 ? "\(ruleCount / 1_000_000)M" : "\(ruleCount / 1_000)k"

        Benchmark("verdict, 1 thread, \(label) rules") { benchmark in
            let fixture = Fixtures.fixture(ruleCount: ruleCount)
            guard var reader = fixture.makeReader() else { fatalError("no reader slot") }
            benchmark.startMeasurement()
            blackHole(reader.decide(benchmark.scaledIterations.count))
            benchmark.stopMeasurement()
        }

        Benchmark("verdict, 1 thread, \(label) rules, dense scopes") { benchmark in
            let fixture = Fixtures.fixture(ruleCount: ruleCount, mix: .denseScopes)
            guard var reader = fixture.makeReader() else { fatalError("no reader slot") }
            benchmark.startMeasurement()
            blackHole(reader.decide(benchmark.scaledIterations.count))
            benchmark.stopMeasurement()
        }

        Benchmark("verdict, 1 thread, \(label) rules, exact numbers only") { benchmark in
            let fixture = Fixtures.fixture(ruleCount: ruleCount, mix: .exactOnly)
            guard var reader = fixture.makeReader() else { fatalError("no reader slot") }
            benchmark.startMeasurement()
            blackHole(reader.decide(benchmark.scaledIterations.count))
            benchmark.stopMeasurement()
        }

        Benchmark("full decision (reason, target), 1 thread, \(label) rules") { benchmark in
            let fixture = Fixtures.fixture(ruleCount: ruleCount)
            guard var reader = fixture.makeReader() else { fatalError("no reader slot") }
            benchmark.startMeasurement()
            blackHole(reader.decideFully(benchmark.scaledIterations.count))
            benchmark.stopMeasurement()
        }

        for threads in [1, 2] {
            Benchmark(
                "verdict, \(threads) reader thread(s) + writer every 10 ms, \(label) rules",
                configuration: .init(
                    setup: { Fixtures.startPool(ruleCount: ruleCount, threads: threads) },
                    teardown: { Fixtures.stopPool() })
            ) { benchmark in
                guard let pool = Fixtures.pool else { fatalError("no pool") }
                benchmark.startMeasurement()
                pool.runOnce(decisionsPerThread: benchmark.scaledIterations.count / threads)
                benchmark.stopMeasurement()
            }
        }
    }
}

/// Fixtures are built once per process, on first use (a million rules take a few seconds).
enum Fixtures {
    nonisolated(unsafe) private static var built: [String: MatcherBenchmark] = [:]
    nonisolated(unsafe) static var pool: ReaderPool?

    static func fixture(ruleCount: Int, mix: MatcherBenchmarkMix = .typical) -> MatcherBenchmark {
        let key = "\(ruleCount) \(mix)"
        if let fixture = built[key] { return fixture }
        let fixture = MatcherBenchmark(ruleCount: ruleCount, mix: mix)
        print(
            "fixture: \(ruleCount) rules (\(mix)), arena \(fixture.arenaBytes) bytes "
                + "(\(fixture.arenaBytes / max(ruleCount, 1)) B/rule), hit ratio \(fixture.measuredHitRatio)")
        built[key] = fixture
        return fixture
    }

    static func startPool(ruleCount: Int, threads: Int) {
        pool = ReaderPool(fixture: fixture(ruleCount: ruleCount), threads: threads)
    }

    static func stopPool() {
        pool?.stop()
        pool = nil
    }
}
