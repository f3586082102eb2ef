import Foundation
import MatcherBenchmarkSupport
import Synchronization

// A plain timing loop beside the ordo-one benchmarks, for profiling (`perf record`) and for
// thread-scaling tables on bigger machines:
//   CALLWARDEN_BENCHMARKS=1 swift run -c release MatcherProbe [rules] [seconds] [max-threads] [dense|exact] [full|strings|batch]
// Prints ns per decision on one thread, then decisions/s for 1...max-threads readers while a
// writer publishes every 10 ms.
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let ruleCount = arguments.first ?? 1_000_000
let seconds = Double(arguments.dropFirst().first ?? 3)
let maxThreads = arguments.dropFirst(2).first ?? 2
let mix: MatcherBenchmarkMix =
    CommandLine.arguments.contains("dense") ? .denseScopes : CommandLine.arguments.contains("exact") ? .exactOnly : .typical
let full = CommandLine.arguments.contains("full")
/// Callee keys as `String`s (the daemon's form) rather than UTF-8 bytes.
let strings = CommandLine.arguments.contains("strings")
/// Questions 16 at a time through the batched read (their entries loaded before any is decided).
let batched = CommandLine.arguments.contains("batch")

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func cpuNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let built = now()
let hitRatio = Double(ProcessInfo.processInfo.environment["HIT_RATIO"] ?? "") ?? 0.75
let fixture = MatcherBenchmark(ruleCount: ruleCount, mix: mix, hitRatio: hitRatio)
print(
    "\(ruleCount) rules (\(mix)): built in \(String(format: "%.1f", now() - built)) s, arena \(fixture.arenaBytes) B "
        + "(\(fixture.arenaBytes / max(ruleCount, 1)) B/rule), hit ratio \(String(format: "%.3f", fixture.measuredHitRatio))")

/// The best (least) wall and CPU seconds of one round of `body` over `seconds`.
func best(_ seconds: Double, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    var wall = Double.infinity
    var cpu = Double.infinity
    let end = now() + seconds
    while now() < end {
        let start = now()
        let startCPU = cpuNow()
        body()
        wall = min(wall, now() - start)
        cpu = min(cpu, cpuNow() - startCPU)
    }
    return (wall, cpu)
}

do {
    guard var reader = fixture.makeReader() else { fatalError("no slot") }
    let matcher = best(seconds) {
        _ =
            full
            ? reader.decideFully(1_000_000)
            : strings ? reader.decideWithStrings(1_000_000) : batched ? reader.decideBatched(1_000_000) : reader.decide(1_000_000)
    }
    // The flat exact-number table of hot-path-scaling.md over the same questions, timed in the same run.
    let flat = FlatExactTable(numbers: fixture.exactNumbers)
    let yardstick = best(seconds) { _ = fixture.flatLookups(flat, count: 1_000_000) }
    print(
        "1 thread, no writer\(full ? ", full decisions" : strings ? ", string callee keys" : batched ? ", batches of 16" : ""): \(String(format: "%.1f", matcher.wall * 1e3)) ns/decision wall, "
            + "\(String(format: "%.1f", matcher.cpu * 1e3)) ns CPU (best of 1M-decision rounds); flat exact table "
            + "\(String(format: "%.1f", yardstick.wall * 1e3)) ns wall, \(String(format: "%.1f", yardstick.cpu * 1e3)) ns CPU; "
            + "matcher/flat (CPU) \(String(format: "%.2f", matcher.cpu / yardstick.cpu))")
}

final class Run: Sendable {
    let stop = Atomic<Bool>(false)
    let decisions = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
}

for threads in stride(from: 1, through: maxThreads, by: 1) {
    let run = Run()
    for index in 0..<threads {
        Thread {
            guard var reader = fixture.makeReader() else { fatalError("no slot") }
            reader.skip(index * 100_003)
            var count = 0
            while !run.stop.load(ordering: .relaxed) {
                _ = reader.decide(10_000)
                count += 10_000
            }
            run.decisions.wrappingAdd(count, ordering: .relaxed)
            run.finished.wrappingAdd(1, ordering: .releasing)
        }.start()
    }
    Thread {
        while !run.stop.load(ordering: .relaxed) {
            usleep(10_000)
            fixture.publishNext()
        }
        run.finished.wrappingAdd(1, ordering: .releasing)
    }.start()
    let start = now()
    usleep(UInt32(seconds * 1e6))
    run.stop.store(true, ordering: .relaxed)
    while run.finished.load(ordering: .acquiring) < threads + 1 { usleep(1_000) }
    let elapsed = now() - start
    let total = Double(run.decisions.load(ordering: .relaxed))
    let published = fixture.publishedAndReclaimed
    print(
        "\(threads) reader thread(s) + writer every 10 ms: \(String(format: "%.1f", total / elapsed / 1e6)) M decisions/s "
            + "(published \(published.published), reclaimed \(published.reclaimed))")
}
