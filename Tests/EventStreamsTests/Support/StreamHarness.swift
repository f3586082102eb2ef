import CDRParsing
import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import HarassmentDetection
import Ingest
import Logging
import SQLiteStore
import ServiceLifecycle

/// A real SQLite store in a fresh directory and the daemon's ingest loop, run with the services
/// under test in a ServiceGroup (the ingest loop first, so it stops last, as in the daemon).
final class StreamHarness: Sendable {
    static let decoderConfiguration = CDRDecoderConfiguration(plan: .unitedKingdom, timeZone: .utc)
    /// Silent unless `CALLWARDEN_TEST_LOG` is set (then debug to stderr).
    static let quietLogger: Logger = {
        guard ProcessInfo.processInfo.environment["CALLWARDEN_TEST_LOG"] != nil else {
            return Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: "test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        return logger
    }()

    let directory: String
    let storePath: String
    let store: SQLiteStore

    init(_ name: String) throws {
        directory = NSTemporaryDirectory() + "callwarden-streams-\(name)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        storePath = directory + "/store.sqlite"
        store = try SQLiteStore(path: storePath)
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the ingest loop (draining `sources` into the store) and `services` while `body` runs,
    /// then shuts them all down gracefully.
    func run<Result: Sendable>(
        services: [any Service], sources: [any AcknowledgedSource], store: (any EventStore)? = nil,
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        let tail = IngestLoop(
            sources: sources.map { $0 as any IngestSource }, store: store ?? self.store,
            processor: CallEventProcessor(detector: HarassmentDetector(configuration: DetectionConfiguration()), policy: ResponsePolicy()),
            pollInterval: .milliseconds(5), logger: Self.quietLogger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: tail)] + services.map { .init(service: $0) }, logger: Self.quietLogger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try outcome.get()
        }
    }

    /// Every stored event, oldest first.
    func storedEvents() throws -> [CallEvent] {
        try store.events(countedSince: Timestamp(microsecondsSinceEpoch: 0), limit: 1_000_000)
    }

    /// Waits (polling the store, bounded) until `count` events are stored; returns them.
    func waitForEvents(_ count: Int) async throws -> [CallEvent] {
        for _ in 0..<3_000 {
            let events = try storedEvents()
            if events.count >= count { return events }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try storedEvents()
    }
}

/// JSON lines of the event schema with synthetic numbers (Ofcom drama range).
enum Fixtures {
    static let baseTime = 1_768_208_400

    static func jsonLine(_ index: Int, phase: String = "started", callID: String? = nil) -> String {
        let id = callID ?? "push-\(index)"
        return #"{"v":1,"time":\#(baseTime + index),"call_id":"\#(id)","phase":"\#(phase)","caller":"07700900\#(100 + index % 800)","callee":"1001"}"#
    }

    /// An Asterisk Master.csv line (17 columns, loguniqueid=yes).
    static func asteriskLine(_ index: Int) -> String {
        "\"\",\"07700900\(200 + index)\",\"1001\",\"from-trunk\",\"\"\"Caller\"\" <07700900\(200 + index)>\",\"PJSIP/trunk-\(index)\","
            + "\"PJSIP/1001-\(index)\",\"Dial\",\"PJSIP/1001,30\",\"2026-01-12 09:00:0\(index % 10)\",\"2026-01-12 09:00:1\(index % 10)\","
            + "\"2026-01-12 09:01:0\(index % 10)\",60,50,\"ANSWERED\",\"DOCUMENTATION\",\"1768208400.\(index)\""
    }
}
