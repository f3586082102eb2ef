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

    static func site(_ name: String, settings: PostgresSettings, webhookPort: Int?) throws -> Site {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-site-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard case .socket(let socketDirectory, let port) = settings.endpoint else { throw CancellationError() }
        let site = Site(name: name, directory: directory)
        try secret.write(toFile: directory + "/webhook.secret", atomically: true, encoding: .utf8)
        chmod(directory + "/webhook.secret", 0o600)
        try "".write(toFile: site.cdr, atomically: true, encoding: .utf8)
        let webhooks = webhookPort.map {
            "  webhooks:\n    - name: security\n      url: http://127.0.0.1:\($0)/hook\n      secret_file: \(directory)/webhook.secret"
        } ?? ""
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
            \(webhooks)
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

    static func health(port: Int) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        return String(decoding: data, as: UTF8.self)
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
        defer { (opsA as? PostgresStore)?.close() }
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

    @Test("PostgreSQL stopped and restarted while a site writes its CDR file: the site reports itself degraded and goes on deciding from its rules, and every line is stored once")
    func databaseRestartUnderLoad() async throws {
        // A server of its own: stopping the shared one would cut the other suites' tests off.
        let server = try PostgresTestServer(binDirectory: try #require(PostgresTestServer.binDirectory))
        defer { server.stop() }
        let settings = try server.makeDatabase()
        let site = try Self.site("site-a", settings: settings, webhookPort: nil)
        defer { try? FileManager.default.removeItem(atPath: site.directory) }
        let logger = Logger(label: "test.site")
        let daemon = try await buildDaemon(configuration: try CallwardenConfiguration.load(path: site.config), logger: logger)
        let run = Task { try await daemon.run() }
        let port = try #require(try await daemon.ready()["decision.http"]?.port)
        let ops = try CallwardenConfiguration.load(path: site.config).openStore()
        defer { (ops as? PostgresStore)?.close() }
        _ = try ops.addRule(
            Rule(
                match: .number(E164Number(e164: "+447700900333")!), action: .block, reason: "threats", createdBy: "cli:ops",
                createdAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))),
            actor: "cli:ops")
        #expect(try await Self.eventually { try await Self.decision(port: port, caller: "07700900333") == "block" })

        // 600 calls from 600 different numbers (no detection), written in 30 chunks; the database
        // is down from the 10th chunk to the 20th.
        let start = Date().addingTimeInterval(-3_600)
        var decidedWhileDown: [String?] = []
        for chunk in 0..<30 {
            if chunk == 10 { try server.stopServer() }
            if chunk == 20 { try server.startServer() }
            let lines = (0..<20).map { index -> String in
                let call = chunk * 20 + index
                return Self.cdrLine("load.\(call)", caller: String(format: "07700900%03d", call % 1_000), start: start.addingTimeInterval(Double(call)))
            }
            try Self.append(lines.joined(), to: site.cdr)
            if chunk == 10 {
                // The ingest loop's commit fails: the site says it is degraded, and goes on deciding.
                #expect(try await Self.eventually { try await Self.health(port: port).hasPrefix("degraded: the store cannot be written") })
            }
            if (10..<20).contains(chunk) { decidedWhileDown.append(try await Self.decision(port: port, caller: "07700900333")) }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(decidedWhileDown.count == 10)
        #expect(decidedWhileDown.allSatisfy { $0 == "block" }, "the call path decides from its last rules while the database is down")

        let store = try PostgresStore(settings: settings, node: "observer", logger: logger)
        defer { store.close() }
        func loadCalls() throws -> [String] {
            try store.events(countedSince: Timestamp(secondsSinceEpoch: 0), limit: 100_000).map(\.callID).filter { $0.hasPrefix("load.") }
        }
        #expect(try await Self.eventually { try loadCalls().count >= 600 })
        #expect(try await Self.eventually { try await Self.health(port: port) == "ok\n" })
        let stored = try loadCalls()
        #expect(stored.count == 600, "none twice")
        #expect(Set(stored).count == 600, "none lost")
        await daemon.shutdown()
        _ = await run.result
    }

    @Test("a file batch whose commit reached PostgreSQL but whose answer was lost is not stored twice when retried")
    func retriedFileBatchIsStoredOnce() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let store = try PostgresStore(settings: settings, node: "site-a", logger: Logger(label: "test"))
        defer { store.close() }
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_765_000_000), callID: "1765000000.1", source: .asteriskCSV, phase: .ended,
                caller: CallerIdentity(raw: "07700900444"), callee: CalledParty(raw: "100", key: "100"))
        ]
        batch.checkpoints = [
            TailCheckpoint(
                path: "/var/log/asterisk/cdr-csv/Master.csv", device: 2049, inode: 77, offset: 180, lineNumber: 1,
                headHash: 0xABCD, updatedAt: Timestamp(secondsSinceEpoch: 1_765_000_001))
        ]
        try store.commit(batch)
        try store.commit(batch)  // the ingest loop's retry after a lost answer
        #expect(try store.statistics().events == 1)

        // After a copytruncate the same inode starts again with another head: stored.
        batch.events[0].callID = "1765000100.2"
        batch.checkpoints[0].offset = 90
        batch.checkpoints[0].headHash = 0x1234
        try store.commit(batch)
        #expect(try store.statistics().events == 2)
    }

    /// The `callwarden` executable built beside the tests.
    static var executable: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("callwarden").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : root.appendingPathComponent(".build/debug/callwarden").path
    }

    static func serve(_ site: Site) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--config", site.config]
        FileManager.default.createFile(atPath: site.directory + "/serve.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: site.directory + "/serve.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    @Test("kill -9 of the node delivering alerts, mid-delivery: the other node takes the outbox over; every alert arrives, only the one in flight twice at most")
    func killNineOutboxHolder() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        // A slow receiver: each delivery is counted, then answered 300 ms later.
        let receiver = try WebhookReceiver(secret: Self.secret, answerDelay: .milliseconds(300))
        try await receiver.start()
        let sites = try ["site-a", "site-b"].map { try Self.site($0, settings: settings, webhookPort: receiver.port) }
        defer { for site in sites { try? FileManager.default.removeItem(atPath: site.directory) } }
        let processes = try sites.map(Self.serve)
        defer { for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let observer = try PostgresStore(settings: settings, node: "observer", logger: Logger(label: "test"))
        defer { observer.close() }
        let lease = PostgresJobLease(job: "alert-outbox", holder: "observer", ttl: .seconds(1), store: observer)
        var holder: String?
        #expect(try await Self.eventually {
            holder = try? lease.currentHolder()?.holder
            return holder != nil
        })
        let holderIndex = try #require(sites.firstIndex { holder?.hasPrefix($0.name + "/") == true })

        let count = 12
        try SharedAlertOutboxTests.raiseAlerts(count, from: observer)
        #expect(await Self.eventually { receiver.deliveries.count >= 3 })
        kill(processes[holderIndex].processIdentifier, SIGKILL)
        processes[holderIndex].waitUntilExit()
        let deliveredBeforeKill = receiver.deliveries.count

        let all = await Self.eventually { receiver.deliveries.count == count }
        #expect(all)
        // The survivor records its last delivery once the slow receiver has answered.
        #expect(await Self.eventually { (try? SharedAlertOutboxTests.pending(observer)) == 0 })
        let survivor = processes[1 - holderIndex]
        #expect(survivor.isRunning)
        kill(survivor.processIdentifier, SIGTERM)
        survivor.waitUntilExit()
        await receiver.stop()

        let repeats = receiver.deliveries.filter { $0.value > 1 }
        print("site-node kill -9: \(deliveredBeforeKill) alerts delivered by \(sites[holderIndex].name) before it was killed, \(count) in all, \(repeats.count) delivered twice")
        #expect(repeats.count <= 1, "only the alert in flight when the holder died may arrive twice, with the same webhook-id")
        #expect(receiver.badSignatures == 0)
    }

    @Test("a statement PostgreSQL never answers gives up after the answer timeout (the caller is not held for good), and the next call connects again")
    func unansweredStatementIsBounded() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let store = try PostgresStore(settings: settings, node: "site-a", logger: Logger(label: "test"))
        defer { store.close() }
        let backend = try store.backendProcessID()
        #expect(backend > 0)
        // The server process serving this connection stops (as a hung host or a lost network would).
        #expect(kill(backend, SIGSTOP) == 0)
        defer { kill(backend, SIGCONT) }
        #expect { try store.statistics() } throws: { ($0 as? PostgresStoreError)?.code == .unavailable }
        kill(backend, SIGCONT)
        #expect(try store.statistics().events == 0)
        #expect(try store.backendProcessID() != backend, "a new connection")
    }
}
