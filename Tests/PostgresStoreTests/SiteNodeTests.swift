import AlertTestSupport
import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import NIOCore
import PostgresStore
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 15 end to end: two `serve` daemons (built in this process as `serve` builds them), each
/// following its own site's Master.csv and answering its own PBX, sharing one real PostgreSQL.
@Suite(
    "Several sites: two daemons on one PostgreSQL", .serialized,
    .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SiteNodeTests {
    static let secret = "whsec_" + Data("site-node-test-secret-0123456789ab".utf8).base64EncodedString()

    struct Site {
        var name: String
        var directory: String
        var cdr: String { directory + "/Master.csv" }
        var config: String { directory + "/callwarden.yaml" }
    }

    static func site(_ name: String, settings: PostgresSettings, webhookPort: Int) throws -> Site {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-site-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard case .socket(let socketDirectory, let port) = settings.endpoint else { throw CancellationError() }
        let site = Site(name: name, directory: directory)
        try secret.write(toFile: directory + "/webhook.secret", atomically: true, encoding: .utf8)
        chmod(directory + "/webhook.secret", 0o600)
        try "".write(toFile: site.cdr, atomically: true, encoding: .utf8)
        let yaml = """
            store:
              path: \(directory)/callwarden.sqlite
              url: postgresql://\(settings.user)@:\(port)/\(settings.database)?host=\(socketDirectory)
              node: \(name)
            numbering:
              country: GB
              time_zone: UTC
            cdr:
              files:
                - path: \(site.cdr)
                  format: asterisk-csv
              poll_interval: 1s
            decision:
              http: 127.0.0.1:0
              request_timeout: 60s
            detection:
              repeat_caller:
                threshold: 5
                window: 30m
            alerts:
              journal: false
              poll_interval: 1s
              webhooks:
                - name: security
                  url: http://127.0.0.1:\(webhookPort)/hook
                  secret_file: \(directory)/webhook.secret
            logging:
              level: warning

            """
        try yaml.write(toFile: site.config, atomically: true, encoding: .utf8)
        return site
    }

    /// An Asterisk Master.csv line (17 columns) of a call from `caller` to the site's reception.
    static func cdrLine(_ id: String, caller: String, start: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let (begin, answer, end) = (start, start.addingTimeInterval(5), start.addingTimeInterval(35))
        return "\"\",\"\(caller)\",\"100\",\"from-trunk\",\"\"\"Caller\"\" <\(caller)>\",\"PJSIP/trunk-1\",\"PJSIP/100-1\",\"Dial\","
            + "\"PJSIP/100,30\",\"\(formatter.string(from: begin))\",\"\(formatter.string(from: answer))\","
            + "\"\(formatter.string(from: end))\",35,30,\"ANSWERED\",\"DOCUMENTATION\",\"\(id)\"\n"
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    static func decision(port: Int, caller: String) async throws -> String? {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/v1/decision")!
        components.queryItems = [URLQueryItem(name: "caller", value: caller), URLQueryItem(name: "callee", value: "100")]
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["action"] as? String
    }

    static func eventually(_ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test("a block made through site A decides at site B; a harasser calling both sites is one incident, alerted once")
    func twoSites() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        let a = try Self.site("site-a", settings: settings, webhookPort: receiver.port)
        let b = try Self.site("site-b", settings: settings, webhookPort: receiver.port)
        defer { for site in [a, b] { try? FileManager.default.removeItem(atPath: site.directory) } }
        let logger = Logger(label: "test.site")
        let daemonA = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: a.config), logger: logger)
        let daemonB = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: b.config), logger: logger)
        let runA = Task { try await daemonA.run() }
        let runB = Task { try await daemonB.run() }
        let portB = try #require(try await daemonB.ready()["decision.http"]?.port)
        _ = try await daemonA.ready()

        // A block made through site A (as `callwarden blocks add --config A` makes it) decides at B.
        #expect(try await Self.decision(port: portB, caller: "07700900111") == "allow")
        let opsA = try CallwardenConfiguration.load(path: a.config).openStore()
        let added = ContinuousClock.now
        _ = try opsA.addRule(
            Rule(
                match: .number(E164Number(e164: "+447700900111")!), action: .block, reason: "threats to reception",
                createdBy: "cli:ops", createdAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))),
            actor: "cli:ops")
        // Asked at most every 100 ms (each question is a call the detector counts).
        let blocked = try await Self.eventually {
            try await Task.sleep(for: .milliseconds(100))
            return try await Self.decision(port: portB, caller: "07700900111") == "block"
        }
        #expect(blocked)
        print("site-node test: rule made at site A decided at site B after \(ContinuousClock.now - added)")

        // A harasser calls each site three times (below the threshold of five at each).
        let start = Date().addingTimeInterval(-600)
        for (site, offset) in [(a, 0.0), (b, 200.0)] {
            let lines = (0..<3).map { Self.cdrLine("\(site.name).\($0)", caller: "07700900222", start: start.addingTimeInterval(offset + Double($0) * 40)) }
            try Self.append(lines.joined(), to: site.cdr)
        }
        let shared = try PostgresStore(settings: settings, node: "observer", logger: logger)
        defer { shared.close() }
        let harasser = "+447700900222"
        let detected = try await Self.eventually {
            try shared.detections(limit: 10).first { $0.caller?.description == harasser }?.calls == 6
        }
        #expect(detected)
        let detection = try #require(try shared.detections(limit: 10).first { $0.caller?.description == harasser })
        #expect(Set(detection.callIDs) == Set(["site-a", "site-b"].flatMap { site in (0..<3).map { "\(site).\($0)" } }))
        let incidents = try shared.incidents(status: nil, limit: 10).filter { $0.identity == harasser }
        #expect(incidents.count == 1)
        // Every alert in the shared outbox reaches the receiver, through one node, once.
        let keys = try shared.incidents(status: nil, limit: 100).flatMap { try shared.alerts(incidentID: $0.id).map(\.key) }
        #expect(!keys.isEmpty)
        let delivered = await Self.eventually { Set(receiver.deliveries.keys) == Set(keys) }
        #expect(delivered)

        await daemonA.shutdown()
        await daemonB.shutdown()
        _ = await runA.result
        _ = await runB.result
        await receiver.stop()
        #expect(receiver.deliveries.values.allSatisfy { $0 == 1 }, "each alert once")
        #expect(receiver.badSignatures == 0)
    }
}
