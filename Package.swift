// swift-tools-version:6.1
//
// Callwarden: a daemon beside the phone system that protects staff from threatening and
// harassing callers. The dependency direction is written here and nowhere else:
//
//   callwarden (executable) → CallwardenApp (composition root)
//       → adapters:  CDRIngest, SQLiteStore, DecisionService, EventStreams (I/O: files, SQLite, HTTP/FastAGI, sockets)
//                    AlertDelivery, Evidence, IncidentAPI            (HTTP out, recording files, HTTP in)
//                    PacketCapture → SIPDialogs, CallPipeline         (libpcap, sockets, threads)
//       → core:      CallPipeline → HarassmentDetection, CDRParsing → CallModel
//                    SIPDialogs → PacketDecoding → SIPParsing → CallModel
//                    RuleMatching → CallModel (the call-path matcher; CallwardenApp makes it a CallDecider)
//                    Incidents → CallModel
//                    MetricsExposition (no dependencies: the port every module offers its counters through)
//
// Core modules import no NIO, GRDB, HTTP or networking; `.ci/check-imports` enforces it.
import PackageDescription

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
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")

let package = Package(
    name: "Callwarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callwarden", targets: ["callwarden"]),
        .library(name: "CallwardenApp", targets: ["CallwardenApp"]),
        .library(name: "RuleMatching", targets: ["RuleMatching"]),
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
    ],
    targets: [
        // MARK: - Core (pure: no I/O, no NIO, no GRDB, no HTTP)
        .target(name: "CallModel", swiftSettings: swiftSettings),
        // Counters for GET /metrics: the MetricsSource port, the registry and the Prometheus text
        // format. Below everything, so every module can offer its counters.
        .target(name: "MetricsExposition", swiftSettings: swiftSettings),
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
        .target(
            name: "CallPipeline",
            dependencies: ["CallModel", "CDRParsing", "HarassmentDetection", "MetricsExposition"],
            swiftSettings: swiftSettings
        ),
        .target(name: "Incidents", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        // Captured bytes → SIP payloads; SIP framing and start-line sniffing are SIPParsing's.
        .target(name: "PacketDecoding", dependencies: ["CallModel", "SIPParsing"], swiftSettings: swiftSettings),

        // MARK: - Adapters (I/O)
        .target(
            name: "CDRIngest",
            dependencies: ["CallModel", "CDRParsing", "CallPipeline", "MetricsExposition", logging, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SQLiteStore",
            dependencies: ["CallModel", "CallPipeline", "Incidents", grdb, logging],
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
            dependencies: ["CallModel", "Incidents", crypto, logging, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IncidentAPI",
            dependencies: ["CallModel", "Incidents", hummingbird, httpTypes, nioCore, logging],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DecisionService",
            dependencies: [
                "CallModel", "CallPipeline", "MetricsExposition", hummingbird, httpTypes, nioCore, nioPosix, logging,
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
                "CPcap", "CallModel", "CallPipeline", "PacketDecoding", "SIPDialogs", "MetricsExposition", logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EventStreams",
            dependencies: [
                "CallModel", "CDRParsing", "CallPipeline", "MetricsExposition", nioCore, nioPosix, logging, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Composition root and executable
        .target(
            name: "CallwardenApp",
            dependencies: [
                "CallModel", "CDRParsing", "HarassmentDetection", "CallPipeline", "CDRIngest", "SQLiteStore",
                "EventStreams", "RuleMatching", "DecisionService", nioCore,
                "SIPParsing", "SIPDialogs", "PacketCapture", "PacketDecoding",
                "Incidents", "AlertDelivery", "Evidence", "IncidentAPI", "MetricsExposition",
                logging, serviceLifecycle, unixSignals, yams, hummingbird,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "callwarden",
            dependencies: [
                "CallwardenApp", "CallModel", "CallPipeline", "CDRParsing", "CDRIngest", "Incidents", "Evidence",
                argumentParser, logging,
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests (one target per module)
        .testTarget(name: "CallModelTests", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .testTarget(name: "MetricsExpositionTests", dependencies: ["MetricsExposition"], swiftSettings: swiftSettings),
        .testTarget(name: "CDRParsingTests", dependencies: ["CDRParsing", "CallModel"], swiftSettings: swiftSettings),
        .testTarget(name: "SIPParsingTests", dependencies: ["SIPParsing", "CallModel"], swiftSettings: swiftSettings),
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
        .testTarget(name: "RuleMatchingTests", dependencies: ["RuleMatching", "CallModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CallPipelineTests",
            dependencies: ["CallPipeline", "CallModel", "CDRParsing", "HarassmentDetection"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDRIngestTests",
            dependencies: [
                "CDRIngest", "CallPipeline", "CallModel", "CDRParsing", "HarassmentDetection", "MetricsExposition",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SQLiteStoreTests",
            dependencies: ["SQLiteStore", "CallPipeline", "CallModel", "Incidents"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "IncidentsTests", dependencies: ["Incidents", "CallModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AlertDeliveryTests",
            dependencies: [
                "AlertDelivery", "Incidents", "SQLiteStore", "CallPipeline", "CallModel", "MetricsExposition", hummingbird,
                httpTypes, nioCore, nioHTTP1, crypto, asyncHTTPClient, logging, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceTests",
            dependencies: ["Evidence", "Incidents", "SQLiteStore", "CallPipeline", "CallModel", crypto, logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IncidentAPITests",
            dependencies: [
                "IncidentAPI", "Incidents", "SQLiteStore", "CallPipeline", "CallModel", hummingbird, asyncHTTPClient,
                nioCore, nioHTTP1, logging,
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
        // Frame and HEP builders shared by the packet test targets; never shipped.
        .target(
            name: "PacketTestSupport", dependencies: ["PacketDecoding", "CallModel"], path: "Tests/PacketTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PacketDecodingTests", dependencies: ["PacketDecoding", "SIPParsing", "CallModel", "PacketTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PacketCaptureTests",
            dependencies: [
                "PacketCapture", "PacketDecoding", "SIPDialogs", "CallPipeline", "CallModel", "MetricsExposition",
                "PacketTestSupport", .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DecisionServiceTests",
            dependencies: [
                "DecisionService", "CallPipeline", "CallModel", "MetricsExposition", hummingbird, httpTypes, nioCore, nioPosix,
                logging, serviceLifecycle,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventStreamsTests",
            dependencies: [
                "EventStreams", "SQLiteStore", "CDRIngest", "CallPipeline", "CallModel", "CDRParsing",
                "HarassmentDetection", "MetricsExposition", nioCore, nioPosix, logging,
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallwardenAppTests",
            dependencies: [
                "CallwardenApp", "CallPipeline", "CallModel", "CDRParsing", "CDRIngest", "SQLiteStore", "EventStreams",
                "RuleMatching", "callwarden",
                "SIPDialogs", "SIPParsing", "PacketCapture", "PacketTestSupport",
                "Incidents", "AlertDelivery", "Evidence", "MetricsExposition", logging, hummingbird, httpTypes, nioCore,
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
