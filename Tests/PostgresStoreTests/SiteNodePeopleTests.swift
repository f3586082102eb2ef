import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import NIOCore
import PeopleAPI
import PostgresStore
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 15: site nodes serve the people's API and console on the shared store. A token issued
/// once works at every site; what ops and security do through one site holds at the others.
@Suite(
    "Several sites: the people's API on every site node", .serialized,
    .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SiteNodePeopleTests {
    static func send(_ method: String, _ url: String, body: String? = nil, token: String) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    @Test("a token issued once works at both sites; a block added through site A's API decides at site B; an MCID flag raised at B is an incident A lists; the audit names the token")
    func peopleOnTwoSites() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let sites = try ["site-a", "site-b"].map { try SiteNodeTests.site($0, settings: settings, webhookPort: nil) }
        defer { for site in sites { try? FileManager.default.removeItem(atPath: site.directory) } }
        for site in sites {
            let yaml = try String(contentsOfFile: site.config, encoding: .utf8)
            try (yaml + "api:\n  listen: 127.0.0.1:0\n").write(toFile: site.config, atomically: true, encoding: .utf8)
        }
        let logger = Logger(label: "test.site")
        var daemons: [BuiltDaemon] = []
        var runs: [Task<Void, any Error>] = []
        var ports: [(api: Int, decision: Int)] = []
        for site in sites {
            let daemon = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: site.config), logger: logger)
            runs.append(Task { try await daemon.run() })
            let bound = try await daemon.ready()
            ports.append((try #require(bound["api.listen"]?.port), try #require(bound["decision.http"]?.port)))
            daemons.append(daemon)
        }
        let observer = try PostgresStore(settings: settings, node: "observer", logger: logger)
        defer { observer.close() }
        let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let ops = try AccessTokenIssuer.issue(name: "ops-leeds", role: .ops, actor: "cli:root", at: now, store: observer).text
        let security = try AccessTokenIssuer.issue(name: "security-desk", role: .security, actor: "cli:root", at: now, store: observer).text

        let added = try await Self.send(
            "POST", "http://127.0.0.1:\(ports[0].api)/v1/rules", body: #"{"match":"07700 900777","reason":"threats to reception"}"#, token: ops)
        #expect(added.status == 201)
        #expect(try await SiteNodeTests.eventually { try await SiteNodeTests.decision(port: ports[1].decision, caller: "07700900777") == "block" })

        let flagged = try await Self.send(
            "POST", "http://127.0.0.1:\(ports[1].api)/v1/mcid", body: #"{"kind":"threat","extension":"100","note":"caller threatened staff"}"#,
            token: security)
        #expect(flagged.status == 201)
        let listed = try await Self.send("GET", "http://127.0.0.1:\(ports[0].api)/v1/incidents", token: security)
        #expect(listed.status == 200)
        #expect((listed.json["incidents"] as? [[String: Any]])?.count == 1)
        #expect(try await Self.send("GET", "http://127.0.0.1:\(ports[0].api)/v1/incidents", token: "cw_00000000_wrong").status == 401)

        let audit = try observer.auditLog(limit: 50)
        #expect(audit.contains { $0.action == "rule.add" && $0.actor == "token:ops-leeds" }, "the actor is the credential's")
        #expect(audit.contains { $0.actor == "token:security-desk" })
        for daemon in daemons { await daemon.shutdown() }
        for run in runs { _ = await run.result }
    }
}
