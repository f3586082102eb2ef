// swift-tools-version:6.1
//
// Callwarden: a daemon beside the phone system that protects staff from threatening and
// harassing callers. The dependency direction is written here and nowhere else:
//
//   callwarden (executable) → CallwardenApp (composition root)
//       → adapters:  CDRIngest, SQLiteStore                       (I/O: files, SQLite)
//       → core:      CallPipeline → HarassmentDetection, CDRParsing → CallModel
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

let package = Package(
    name: "Callwarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callwarden", targets: ["callwarden"]),
        .library(name: "CallwardenApp", targets: ["CallwardenApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - Core (pure: no I/O, no NIO, no GRDB, no HTTP)
        .target(name: "CallModel", swiftSettings: swiftSettings),
        .target(name: "CDRParsing", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .target(name: "HarassmentDetection", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .target(
            name: "CallPipeline",
            dependencies: ["CallModel", "CDRParsing", "HarassmentDetection"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Adapters (I/O)
        .target(
            name: "CDRIngest",
            dependencies: ["CallModel", "CDRParsing", "CallPipeline", logging, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SQLiteStore",
            dependencies: ["CallModel", "CallPipeline", grdb, logging],
            swiftSettings: swiftSettings
        ),

        // MARK: - Composition root and executable
        .target(
            name: "CallwardenApp",
            dependencies: [
                "CallModel", "CDRParsing", "HarassmentDetection", "CallPipeline", "CDRIngest", "SQLiteStore",
                logging, serviceLifecycle, unixSignals, yams,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "callwarden",
            dependencies: ["CallwardenApp", "CallModel", "CallPipeline", "CDRParsing", "CDRIngest", argumentParser, logging],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests (one target per module)
        .testTarget(name: "CallModelTests", dependencies: ["CallModel"], swiftSettings: swiftSettings),
        .testTarget(name: "CDRParsingTests", dependencies: ["CDRParsing", "CallModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HarassmentDetectionTests",
            dependencies: ["HarassmentDetection", "CallModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallPipelineTests",
            dependencies: ["CallPipeline", "CallModel", "CDRParsing", "HarassmentDetection"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDRIngestTests",
            dependencies: [
                "CDRIngest", "CallPipeline", "CallModel", "CDRParsing", "HarassmentDetection",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SQLiteStoreTests",
            dependencies: ["SQLiteStore", "CallPipeline", "CallModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallwardenAppTests",
            dependencies: ["CallwardenApp", "CallPipeline", "CallModel", "CDRParsing", "CDRIngest", "SQLiteStore", "callwarden"],
            swiftSettings: swiftSettings
        ),
    ]
)
