// swift-tools-version:6.1
// Benchmarks live in their own package so the daemon never depends on benchmark tooling.
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
import PackageDescription

let package = Package(
    name: "CallwardenBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CDRBenchmarks",
            dependencies: [
                .product(name: "CallwardenApp", package: "Callwarden"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CDRBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
