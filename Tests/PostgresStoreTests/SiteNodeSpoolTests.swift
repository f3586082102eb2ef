import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Logging
import NIOCore
import PostgresStore
import SQLiteStore
import Testing

/// Issue 15's outage buffer end to end: a `serve` daemon on a real PostgreSQL that is stopped.
@Suite(
    "Several sites: the local spool while PostgreSQL is down", .serialized,
    .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SiteNodeSpoolTests {
    @Test("PostgreSQL down: the node's decision events are spooled in its own SQLite file, kept across a restart of the node, and stored once when the database is back")
    func spoolDuringOutage() async throws {
        // A server of its own: stopping the shared one would cut the other suites' tests off.
        let server = try PostgresTestServer(binDirectory: try #require(PostgresTestServer.binDirectory))
        defer { server.stop() }
        let settings = try server.makeDatabase()
        let site = try SiteNodeTests.site("site-a", settings: settings, webhookPort: nil)
        defer { try? FileManager.default.removeItem(atPath: site.directory) }
        let logger = Logger(label: "test.site")
        let observer = { try PostgresStore(settings: settings, node: "observer", logger: logger) }
        func decisionCallers(_ store: PostgresStore) throws -> [String] {
            try store.events(countedSince: Timestamp(secondsSinceEpoch: 0), limit: 100_000)
                .filter { $0.source == .decisionRequest }.compactMap { $0.caller.number?.description }
        }

        let first = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: site.config), logger: logger)
        let firstRun = Task { try await first.run() }
        let port = try #require(try await first.ready()["decision.http"]?.port)
        #expect(try await SiteNodeTests.decision(port: port, caller: "07700900100") == "allow")
        let before = try observer()
        #expect(try await SiteNodeTests.eventually { try decisionCallers(before).count == 1 })
        before.close()

        try server.stopServer()
        var answers: [String?] = []
        for caller in 101...120 { answers.append(try await SiteNodeTests.decision(port: port, caller: "07700900\(caller)")) }
        #expect(answers.allSatisfy { $0 == "allow" }, "decided from the last rules while the database is down")
        let spool = SQLiteEventSpool(store: try SQLiteStore(path: site.directory + "/callwarden.sqlite"), capacity: 1)
        #expect(try await SiteNodeTests.eventually { try spool.spooledCount() == 20 })
        #expect(try await SiteNodeTests.health(port: port).hasPrefix("degraded: the store cannot be written"))
        // Stopped while the database is still down: the spool is on disk and outlives the process.
        await first.shutdown()
        _ = await firstRun.result
        #expect(try spool.spooledCount() == 20)

        try server.startServer()
        let second = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: site.config), logger: logger)
        let secondRun = Task { try await second.run() }
        _ = try await second.ready()
        let after = try observer()
        defer { after.close() }
        #expect(try await SiteNodeTests.eventually { try decisionCallers(after).count >= 21 })
        #expect(try await SiteNodeTests.eventually { try spool.spooledCount() == 0 })
        let callers = try decisionCallers(after)
        #expect(callers.count == 21, "none twice")
        #expect(Set(callers) == Set((100...120).map { "+447700900\($0)" }), "none lost")
        await second.shutdown()
        _ = await secondRun.result
    }
}
