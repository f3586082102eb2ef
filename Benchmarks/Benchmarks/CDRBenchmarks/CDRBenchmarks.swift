import Benchmark
import CallwardenApp
import Foundation

/// CDR ingestion speed: decoding an Asterisk Master.csv in memory, and the whole `replay`
/// (tail → decode → detect → SQLite commits) over a file on disk. The input is made by
/// `Benchmarks/make-master-csv.py`; `Benchmarks/run-cdr.sh` runs these beside `wc -l` on the same file.
let benchmarks: @Sendable () -> Void = {
    let environment = ProcessInfo.processInfo.environment
    let csvPath = environment["CALLWARDEN_BENCH_CSV"] ?? "/tmp/callwarden-bench/Master.csv"
    let configPath = environment["CALLWARDEN_BENCH_CONFIG"] ?? "Config/callwarden.yaml"
    guard let data = FileManager.default.contents(atPath: csvPath) else {
        fatalError("no benchmark input at \(csvPath): run Benchmarks/make-master-csv.py first")
    }
    let bytes = [UInt8](data)
    let lines = bytes.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(60), maxIterations: 5)

    Benchmark("Asterisk CSV decode (\(lines) lines)", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = PerformanceProbe.decodeAsteriskCSV(bytes)
            precondition(result.events > 0)
            blackHole(result)
        }
    }

    Benchmark("Replay with SQLite store (\(lines) lines)", configuration: .init(maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = try PerformanceProbe.replay(paths: [csvPath], configurationPath: configPath)
            precondition(result.events > 0)
            blackHole(result)
        }
    }
}
