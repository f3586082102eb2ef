// swift-tools-version:6.1
// Benchmarks live in their own package so the daemon never depends on benchmark tooling.
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
import PackageDescription

let package = Package(
    name: "CallwardenBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Callwarden", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The SIP and packet probes moved out of the production modules (issue 13). They use the
        // modules' `package` API, so they compile only as targets of the main package (benchmark
        // targets behind an environment flag): SIPProbe needs CallModel, SIPParsing, SIPDialogs;
        // PacketProbe needs CallModel, PacketDecoding, PacketCapture.
        .target(name: "SIPProbe", path: "Benchmarks/SIPProbe"),
        .target(name: "PacketProbe", path: "Benchmarks/PacketProbe"),
        .executableTarget(
            name: "CDRBenchmarks",
            dependencies: [
                .product(name: "CallwardenApp", package: "Callwarden"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CDRBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SIPBenchmarks",
            dependencies: [
                "SIPProbe",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SIPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain executable beside the suite: best-of-N messages/s without the harness, quick to run
        // under `valgrind --tool=callgrind` where instruction counters are not available.
        .executableTarget(
            name: "SIPThroughput",
            dependencies: ["SIPProbe"],
            path: "Benchmarks/SIPThroughput"
        ),
        .executableTarget(
            name: "PacketBenchmarks",
            dependencies: [
                "PacketProbe",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PacketBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // `packet-bench make FILE FRAMES` and `packet-bench decode FILE`: used by run-packets.sh to
        // time the decoder beside tshark in one run.
        .executableTarget(
            name: "packet-bench",
            dependencies: ["PacketProbe"],
            path: "Benchmarks/PacketBench"
        ),
        .executableTarget(
            name: "MatcherBenchmarks",
            dependencies: [
                .product(name: "RuleMatching", package: "Callwarden"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MatcherBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain timing loop for profiling and thread-scaling tables (see its main.swift).
        .executableTarget(
            name: "MatcherProbe",
            dependencies: [.product(name: "RuleMatching", package: "Callwarden")],
            path: "Benchmarks/MatcherProbe"
        ),
    ]
)
