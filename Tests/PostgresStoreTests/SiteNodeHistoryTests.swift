import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import Testing

/// A site node that imports its CDR file's history (`start: beginning`) on the shared PostgreSQL.
@Suite(
    "Several sites: a history import on a site node", .serialized,
    .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SiteNodeHistoryTests {
    @Test("serve with start: beginning on store.url: a burst two days old in the file is stored and marked historical (no incident, no alert); a live burst opens one")
    func historyImport() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let site = try SiteNodeTests.site("site-a", settings: settings, webhookPort: nil)
        defer { try? FileManager.default.removeItem(atPath: site.directory) }
        let yaml = try String(contentsOfFile: site.config, encoding: .utf8)
        #expect(yaml.contains("format: asterisk-csv\n"))
        try yaml.replacingOccurrences(of: "format: asterisk-csv\n", with: "format: asterisk-csv\n      start: beginning\n")
            .write(toFile: site.config, atomically: true, encoding: .utf8)
        let twoDaysAgo = Date().addingTimeInterval(-2 * 86_400)
        let old = (0..<5).map { SiteNodeTests.cdrLine("old.\($0)", caller: "07700900555", start: twoDaysAgo.addingTimeInterval(Double($0) * 60)) }
        try SiteNodeTests.append(old.joined(), to: site.cdr)

        let logger = Logger(label: "test.site")
        let daemon = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: site.config), logger: logger)
        let run = Task { try await daemon.run() }
        _ = try await daemon.ready()
        let observer = try PostgresStore(settings: settings, node: "observer", logger: logger)
        defer { observer.close() }
        #expect(try await SiteNodeTests.eventually { try observer.historicalDetectionCount() == 1 })
        #expect(try observer.statistics().events == 5, "the history is stored")
        #expect(try observer.incidents(status: nil, limit: 10).isEmpty, "no incident for a burst long over")

        // Calls made after the node started (the cutoff is its first commit of the file).
        let started = Date()
        let live = (0..<5).map { SiteNodeTests.cdrLine("live.\($0)", caller: "07700900556", start: started.addingTimeInterval(Double($0))) }
        try SiteNodeTests.append(live.joined(), to: site.cdr)
        #expect(try await SiteNodeTests.eventually { try observer.incidents(status: nil, limit: 10).count == 1 })
        let incident = try #require(try observer.incidents(status: nil, limit: 10).first)
        #expect(incident.key.identity.contains("447700900556"))
        #expect(try observer.historicalDetectionCount() == 1)
        await daemon.shutdown()
        _ = await run.result
    }
}
