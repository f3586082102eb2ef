// swift-tools-version:6.1
//
// Callwarden: a daemon beside the phone system that protects staff from threatening and
// harassing callers. The dependency direction is written here and nowhere else:
//
//   callwarden (executable) → CallwardenApp (composition root: the daemon builder)
//       → Ingest (the ingest loop on its own thread; the bounded event queue) → CallPipeline, CallwardenPorts
//       → adapters:  CDRIngest, SQLiteStore, PostgresStore, DecisionService, EventStreams (I/O: files, SQLite, PostgreSQL, HTTP/FastAGI, sockets)
//                    → ListenerGuards (every listener's slots per source, deadlines, bounded output)
//                    SystemClock (the one reader of the wall clock, `WallClock.system`; injected everywhere else)
//                    AlertDelivery, Evidence, IncidentAPI            (HTTP out, recording files, HTTP in)
//                    Console → PeopleAPI → IncidentAPI               (the people's listener: tokens, roles, API, pages)
//                    PacketCapture → SIPDialogs, CallPipeline, CallwardenPorts   (libpcap, sockets, threads)
//                    (adapters that only implement or use a port import CallwardenPorts, not the pipeline)
//       → core:      CallPipeline → CallwardenPorts, HarassmentDetection, CDRParsing → CallModel
//                    CallwardenPorts → CallModel (storage and decision ports, the ingest source protocol)
//                    SIPDialogs → PacketDecoding → SIPParsing → CallModel
//                    RuleMatching → CallModel (the call-path matcher; CallwardenApp makes it a CallDecider)
//                    Incidents → CallModel
//                    MetricsExposition (no dependencies: the port every module offers its counters through)
//                    BoundedQueues (no dependencies: the one lock-free bounded queue, drop newest, counted)
//
// A core module imports only its dependencies below and the system modules `coreSystemImports`
// grants it (no NIO, GRDB, HTTP, Foundation or networking); `scripts/check-imports` reads both from
// this file (`swift package dump-package` and the dictionary) and fails CI otherwise.
//
// The one product is the `callwarden` executable. Benchmarks and probes (Benchmarks/) join the
// package only with CALLWARDEN_BENCHMARKS=1, and the libFuzzer targets only with CALLWARDEN_FUZZ=1
// (see the end of this file), so an ordinary build never resolves the benchmark harness.
import PackageDescription

/// Per core module, the system modules it may import besides its Package.swift dependencies
/// (read by `scripts/check-imports`, one entry a line; a core module missing here fails the check).
let coreSystemImports: [String: [String]] = [
    "CallModel": [],
    "MetricsExposition": ["Synchronization"],
    "BoundedQueues": ["Synchronization"],
    "CDRParsing": [],
    "HarassmentDetection": [],
    "SIPParsing": [],
    "SIPDialogs": [],
    "CallwardenPorts": [],
    "CallPipeline": ["Synchronization"],
    "PacketDecoding": [],
    "RuleMatching": ["Synchronization"],
    "Incidents": [],
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdCore: Target.Dependency = .product(name: "HummingbirdCore", package: "hummingbird")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let postgresNIO: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")

let package = Package(
    name: "Callwarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callwarden", targets: ["callwarden"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // No default traits: the HTTP services need neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // MARK: - Core (pure: no I/O, no NIO, no GRDB, no HTTP)
        .target(name: "CallModel", swiftSettings: swiftSettings),
        // Counters for GET /metrics: the MetricsSource port, the registry and the Prometheus text
        // format. Below everything, so every module can offer its counters.
        .target(name: "MetricsExposition", swiftSettings: swiftSettings),
        .target(name: "BoundedQueues", swiftSettings: swiftSettings),
        .target(name: "CDRParsing", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .target(name: "HarassmentDetection", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .target(name: "SIPParsing", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        // SIP messages → dialogs → CallEvents, and the pipeline that feeds it from the packet path
        // (SIPPayload → SIPTransportInfo → parse → dialogs → CallEvents, counters, drop sampler).
        .target(
            name: "SIPDialogs", dependencies: ["CallModel", "SIPParsing", "PacketDecoding", "MetricsExposition"],
            swiftSettings: swiftSettings
        ),
        // The matcher sits beside the pipeline, not below it: it knows nothing of CallPipeline's
        // CallDecider; the composition root adapts its decisions to that port.
        .target(name: "RuleMatching", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        // The domain's ports: storage, decision and the ingest loop's sources, with their values.
        .target(name: "CallwardenPorts", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .target(
            name: "CallPipeline",
            dependencies: ["CallModel", "CallwardenPorts", "CDRParsing", "HarassmentDetection"],
            swiftSettings: swiftSettings
        ),
        .target(name: "Incidents", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        // Captured bytes → SIP payloads; SIP framing and start-line sniffing are SIPParsing's.
        .target(name: "PacketDecoding", dependencies: ["CallModel", "SIPParsing"], swiftSettings: swiftSettings),

        // MARK: - Adapters (I/O)
        // The system's wall clock (`WallClock.system`): the one place that reads it; injected everywhere else.
        .target(name: "SystemClock", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        // The one ingest loop: reads checkpointed and acknowledged sources on a thread of its own.
        .target(
            name: "Ingest",
            dependencies: [
                "BoundedQueues", "CallModel", "CallwardenPorts", "CallPipeline", "MetricsExposition", "SystemClock", logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // The file adapter of the ingest loop (CDR files as checkpointed sources) and replay's reader.
        .target(
            name: "CDRIngest",
            dependencies: ["CallModel", "CallwardenPorts", "CDRParsing", "CallPipeline", logging],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SQLiteStore",
            dependencies: ["CallModel", "CallwardenPorts", "Incidents", "SystemClock", grdb, crypto],
            swiftSettings: swiftSettings
        ),
        // The shared store of several sites: the same ports as SQLiteStore on PostgreSQL, and the
        // rule feed (LISTEN/NOTIFY) that wakes every node's rule refresher.
        .target(
            name: "PostgresStore",
            dependencies: ["CallModel", "CallwardenPorts", "Incidents", "SystemClock", postgresNIO, nioCore, nioPosix, logging, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AlertDelivery",
            dependencies: [
                "CallModel", "Incidents", "MetricsExposition", asyncHTTPClient, crypto, nioCore, nioHTTP1, logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Evidence",
            dependencies: ["CallModel", "Incidents", "SystemClock", crypto, logging, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IncidentAPI",
            dependencies: ["CallModel", "Incidents", "SystemClock", hummingbird, httpTypes, nioCore, logging],
            swiftSettings: swiftSettings
        ),
        // What every listener holds its connections to: slots per source address, deadlines, bounded
        // output, bearer tokens; counted (`callwarden_listener_*`).
        .target(
            name: "ListenerGuards", dependencies: ["CallModel", "MetricsExposition", nioCore, logging], swiftSettings: swiftSettings
        ),
        // The people's listener (`api.listen`): tokens with roles, the JSON API, the incident
        // endpoints mounted with their roles.
        .target(
            name: "PeopleAPI",
            dependencies: ["CallModel", "CallwardenPorts", "Incidents", "IncidentAPI", hummingbird, httpTypes, nioCore, crypto, logging],
            swiftSettings: swiftSettings
        ),
        // The web console at /ui/: server-rendered pages on the people's listener.
        .target(
            name: "Console",
            dependencies: ["CallModel", "CallwardenPorts", "Incidents", "IncidentAPI", "PeopleAPI", hummingbird, httpTypes, nioCore, crypto],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DecisionService",
            dependencies: [
                "CallModel", "CallwardenPorts", "ListenerGuards", "MetricsExposition", hummingbird, hummingbirdCore, httpTypes, nioCore, nioPosix, logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),

        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // libpcap, HEP sockets and threads; capture files for replay, live capture and HEP listeners
        // as pushed sources of the ingest loop (each thread runs its own SIPDialogs pipeline).
        .target(
            name: "PacketCapture",
            dependencies: [
                "CPcap", "BoundedQueues", "CallModel", "CallPipeline", "CallwardenPorts", "PacketDecoding", "SIPDialogs",
                "ListenerGuards", "MetricsExposition", logging, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EventStreams",
            dependencies: [
                "CallModel", "CDRParsing", "CallwardenPorts", "ListenerGuards", "MetricsExposition", nioCore, nioPosix, logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Composition root and executable
        .target(
            name: "CallwardenApp",
            dependencies: [
                "BoundedQueues", "CallModel", "CallwardenPorts", "CDRParsing", "HarassmentDetection", "CallPipeline", "Ingest", "CDRIngest",
                "SQLiteStore", "PostgresStore", "EventStreams", "RuleMatching", "DecisionService", nioCore,
                "SIPParsing", "SIPDialogs", "PacketCapture", "PacketDecoding", "ListenerGuards",
                "Incidents", "AlertDelivery", "Evidence", "IncidentAPI", "PeopleAPI", "Console", "MetricsExposition", "SystemClock",
                logging, serviceLifecycle, unixSignals, yams, hummingbird,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "callwarden",
            dependencies: [
                "CallwardenApp", "CallModel", "CallwardenPorts", "CallPipeline", "CDRParsing", "CDRIngest", "Ingest", "Incidents", "Evidence",
                "PeopleAPI", "SystemClock", argumentParser, logging,
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests (one target per module)
        .testTarget(name: "CallModelTests", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        // SplitMix64, the deterministic generator of randomised tests and benchmark fixtures; never shipped.
        .target(name: "SyntheticRandom", path: "Tests/SyntheticRandom", swiftSettings: swiftSettings),
        .testTarget(name: "MetricsExpositionTests", dependencies: ["MetricsExposition"], swiftSettings: swiftSettings),
        .testTarget(name: "BoundedQueuesTests", dependencies: ["BoundedQueues"], swiftSettings: swiftSettings),
        .testTarget(name: "CDRParsingTests", dependencies: ["CDRParsing", "CallModel", "SyntheticRandom"], swiftSettings: swiftSettings),
        .testTarget(name: "SIPParsingTests", dependencies: ["SIPParsing", "CallModel", "SyntheticRandom"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SIPDialogsTests",
            dependencies: ["SIPDialogs", "SIPParsing", "PacketDecoding", "PacketCapture", "CallModel", "PacketTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HarassmentDetectionTests",
            dependencies: ["HarassmentDetection", "CallModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RuleMatchingTests", dependencies: ["RuleMatching", "CallModel", "SyntheticRandom"], swiftSettings: swiftSettings),
        // A webhook receiver on loopback that verifies signatures and counts deliveries; never shipped.
        .target(
            name: "AlertTestSupport", dependencies: ["AlertDelivery", hummingbird, httpTypes, logging, nioCore],
            path: "Tests/AlertTestSupport", swiftSettings: swiftSettings
        ),
        // The in-memory reference implementation of the storage ports; never shipped.
        .target(
            name: "PortsTestSupport", dependencies: ["CallwardenPorts", "CallModel"], path: "Tests/PortsTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallPipelineTests",
            dependencies: ["CallPipeline", "CallwardenPorts", "PortsTestSupport", "CallModel", "CDRParsing", "HarassmentDetection"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest", "CDRIngest", "CallPipeline", "CallwardenPorts", "PortsTestSupport", "CallModel", "CDRParsing",
                "HarassmentDetection", "MetricsExposition", "SQLiteStore", logging,
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDRIngestTests",
            dependencies: [
                "CDRIngest", "CallPipeline", "CallwardenPorts", "CallModel", "CDRParsing", "HarassmentDetection",
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SQLiteStoreTests",
            dependencies: ["SQLiteStore", "CallwardenPorts", "PortsTestSupport", "CallModel", "Incidents"],
            swiftSettings: swiftSettings
        ),
        // Starts its own PostgreSQL (initdb in a temporary directory); skipped without the server binaries.
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: [
                "PostgresStore", "SQLiteStore", "CallwardenApp", "CallwardenPorts", "CallModel", "Incidents", "RuleMatching",
                "AlertDelivery", "AlertTestSupport", "SystemClock", "PeopleAPI", logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "IncidentsTests", dependencies: ["Incidents", "CallModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AlertDeliveryTests",
            dependencies: [
                "AlertDelivery", "AlertTestSupport", "Incidents", "SQLiteStore", "CallwardenPorts", "CallModel", "MetricsExposition", "SystemClock", hummingbird,
                httpTypes, nioCore, nioHTTP1, crypto, asyncHTTPClient, logging, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceTests",
            dependencies: [
                "Evidence", "Incidents", "SQLiteStore", "CallPipeline", "CallwardenPorts", "CallModel", "CDRParsing",
                "SIPParsing", "SIPDialogs", crypto, logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IncidentAPITests",
            dependencies: [
                "IncidentAPI", "PeopleAPI", "Incidents", "SQLiteStore", "CallwardenPorts", "CallModel", hummingbird, asyncHTTPClient,
                nioCore, nioHTTP1, logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PeopleAPITests",
            dependencies: [
                "PeopleAPI", "Console", "IncidentAPI", "Incidents", "SQLiteStore", "CallwardenPorts", "CallModel", hummingbird,
                asyncHTTPClient, nioCore, nioHTTP1, logging, yams, httpTypes,
            ],
            swiftSettings: swiftSettings
        ),
        // libFuzzer targets (scripts/fuzz-packets builds them with -sanitize=fuzzer into .build-fuzz-packets);
        // an ordinary build makes corpus replayers of them. FuzzTargetSupport is their shared driver.
        .target(
            name: "FuzzTargetSupport", path: "Tests/Fuzz/FuzzTargetSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "PacketFrameFuzzer", dependencies: ["PacketDecoding", "CallModel", "FuzzTargetSupport"],
            path: "Tests/Fuzz/PacketFrameFuzzer",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "PacketHEPFuzzer", dependencies: ["PacketDecoding", "SIPParsing", "CallModel", "FuzzTargetSupport"],
            path: "Tests/Fuzz/PacketHEPFuzzer",
            swiftSettings: swiftSettings
        ),
        // Hostile raw-socket clients (another loopback source, never reading) for the listener tests.
        .target(name: "ListenerTestSupport", path: "Tests/ListenerTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "ListenerGuardsTests", dependencies: ["ListenerGuards", "MetricsExposition", nioCore], swiftSettings: swiftSettings
        ),
        // Frame and HEP builders shared by the packet test targets; never shipped.
        .target(
            name: "PacketTestSupport", dependencies: ["PacketDecoding", "CallModel"], path: "Tests/PacketTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PacketDecodingTests", dependencies: ["PacketDecoding", "SIPParsing", "CallModel", "PacketTestSupport", "SyntheticRandom"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PacketCaptureTests",
            dependencies: [
                "PacketCapture", "BoundedQueues", "PacketDecoding", "SIPDialogs", "CallPipeline", "CallwardenPorts", "CallModel",
                "MetricsExposition", "PacketTestSupport", "ListenerGuards", "ListenerTestSupport",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DecisionServiceTests",
            dependencies: [
                "DecisionService", "BoundedQueues", "CallwardenPorts", "Ingest", "CallModel", "ListenerGuards", "ListenerTestSupport",
                "MetricsExposition",
                hummingbird, httpTypes, nioCore, nioPosix,
                logging, serviceLifecycle,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventStreamsTests",
            dependencies: [
                "EventStreams", "SQLiteStore", "Ingest", "SystemClock", "CallPipeline", "CallwardenPorts", "CallModel", "CDRParsing",
                "HarassmentDetection", "ListenerGuards", "ListenerTestSupport", "MetricsExposition", nioCore, nioPosix, logging,
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallwardenAppTests",
            dependencies: [
                "CallwardenApp", "CallPipeline", "CallwardenPorts", "Ingest", "PortsTestSupport", "CallModel", "CDRParsing", "CDRIngest", "SQLiteStore", "EventStreams",
                "DecisionService",
                "RuleMatching", "callwarden",
                "SIPDialogs", "SIPParsing", "PacketCapture", "PacketTestSupport", "ListenerGuards",
                "Incidents", "AlertDelivery", "Evidence", "IncidentAPI", "PeopleAPI", "MetricsExposition", "SystemClock", logging,
                hummingbird, httpTypes, nioCore, asyncHTTPClient,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// Fuzz targets exist only for scripts/fuzz (CALLWARDEN_FUZZ=1), which builds them with
// -sanitize=fuzzer in their own scratch path (.build-fuzz): libFuzzer supplies `main`, so they
// cannot link in an ordinary build.
if Context.environment["CALLWARDEN_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "SIPFuzz",
            dependencies: ["SIPDialogs", "SIPParsing", "CallModel"],
            path: "Tests/Fuzz/SIPFuzz",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
}

// Benchmarks and probes (Benchmarks/Benchmarks/*) exist only with CALLWARDEN_BENCHMARKS=1, so that an
// ordinary build or CI never resolves ordo-one/benchmark. They use `package` API (no `public` in
// production modules). Run from the repository root, e.g.:
//   CALLWARDEN_BENCHMARKS=1 swift package --scratch-path .build-benchmarks --allow-writing-to-package-directory benchmark --target MatcherBenchmarks
//   CALLWARDEN_BENCHMARKS=1 swift run --scratch-path .build-benchmarks -c release MatcherProbe 1000000
if Context.environment["CALLWARDEN_BENCHMARKS"] == "1" {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]))
    let benchmark: Target.Dependency = .product(name: "Benchmark", package: "benchmark")
    let benchmarkPlugin: Target.PluginUsage = .plugin(name: "BenchmarkPlugin", package: "benchmark")
    func benchmarkPath(_ name: String) -> String { "Benchmarks/Benchmarks/" + name }
    package.targets += [
        // The matcher fixture: synthetic rule sets, query streams and the flat-table yardstick.
        .target(
            name: "MatcherBenchmarkSupport", dependencies: ["CallModel", "RuleMatching", "SyntheticRandom"],
            path: benchmarkPath("MatcherBenchmarkSupport"), swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MatcherBenchmarks", dependencies: ["MatcherBenchmarkSupport", benchmark],
            path: benchmarkPath("MatcherBenchmarks"), plugins: [benchmarkPlugin]
        ),
        // A plain timing loop for profiling and thread-scaling tables (see its main.swift).
        .executableTarget(
            name: "MatcherProbe", dependencies: ["MatcherBenchmarkSupport"], path: benchmarkPath("MatcherProbe"),
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CDRBenchmarks",
            dependencies: ["CallwardenApp", "CallModel", "CDRParsing", logging, benchmark],
            path: benchmarkPath("CDRBenchmarks"), plugins: [benchmarkPlugin]
        ),
        // The SIP and packet probes: the facades SIP and packet benchmarks measure, over the modules'
        // `package` API (moved out of SIPDialogs and PacketCapture).
        .target(
            name: "SIPProbe", dependencies: ["CallModel", "SIPParsing", "SIPDialogs"], path: benchmarkPath("SIPProbe"),
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PacketProbe", dependencies: ["CallModel", "PacketDecoding", "PacketCapture"],
            path: benchmarkPath("PacketProbe"), swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SIPBenchmarks", dependencies: ["SIPProbe", benchmark], path: benchmarkPath("SIPBenchmarks"),
            plugins: [benchmarkPlugin]
        ),
        // Best-of-N messages/s without the harness, quick to run under `valgrind --tool=callgrind`.
        .executableTarget(name: "SIPThroughput", dependencies: ["SIPProbe"], path: benchmarkPath("SIPThroughput")),
        .executableTarget(
            name: "PacketBenchmarks", dependencies: ["PacketProbe", benchmark], path: benchmarkPath("PacketBenchmarks"),
            plugins: [benchmarkPlugin]
        ),
        // `packet-bench make FILE FRAMES` and `packet-bench decode FILE`: run-packets.sh times the
        // decoder beside tshark with it.
        .executableTarget(name: "packet-bench", dependencies: ["PacketProbe"], path: benchmarkPath("PacketBench")),
        // Resident memory per tracked caller under never-repeating spoofed numbers (issue 14).
        .executableTarget(
            name: "DetectorMemory", dependencies: ["CallModel", "CallPipeline", "CallwardenPorts", "HarassmentDetection"],
            path: benchmarkPath("DetectorMemory"), swiftSettings: swiftSettings
        ),
    ]
}
