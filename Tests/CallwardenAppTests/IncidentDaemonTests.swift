import AlertDelivery
import CallwardenApp
import Foundation
import HTTPTypes
import Hummingbird
import Incidents
import Logging
import CallModel
import PeopleAPI
import CallwardenPorts
import SystemClock
import NIOCore
import Synchronization
import Testing

@Suite("The daemon: CDR lines → detection → incident → signed webhook alert")
struct IncidentDaemonTests {
    static let secret = "whsec_" + Data("daemon-test-secret-0123456789".utf8).base64EncodedString()

    @Test("five calls from one number in a burst open a harassment incident whose alert reaches the webhook, signed and masked")
    func burstReachesWebhook() async throws {
        let directory = try TestSupport.temporaryDirectory("incident-daemon")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret(Self.secret, named: "hook.secret", in: directory)
        let start = Date().addingTimeInterval(-3_600)
        let lines = (0..<5).map { index in
            TestSupport.asteriskLine(index: index, caller: "07700900123", callee: "1001", start: start.addingTimeInterval(Double(index) * 60))
        }
        let received = ReceivedBodies()
        let (receiverTask, receiverPort) = try await Self.startReceiver(collecting: received)
        defer { receiverTask.cancel() }

        let yaml = """
            store:
              path: callwarden.sqlite
            numbering:
              country: GB
              extension_digits: 4
            cdr:
              files:
                - path: Master.csv
                  format: asterisk-csv
              poll_interval: 1s
            decision:
              http: off
            alerts:
              journal: false
              webhooks:
                - name: security
                  url: http://127.0.0.1:\(receiverPort)/hook
                  secret_file: hook.secret
            """
        try yaml.write(toFile: directory + "/callwarden.yaml", atomically: true, encoding: .utf8)
        let configuration = try CallwardenConfiguration.load(path: directory + "/callwarden.yaml")
        try await TestSupport.withDaemon(config: directory + "/callwarden.yaml") { daemon, _ in
            // Written while the daemon runs, after its first look at the file (a file's history,
            // there at the first start, is not alerted on: FirstStartAndProbeTests).
            _ = await Self.eventually(seconds: 30) { daemon.ingestLastRound() > 0 }
            try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/Master.csv", atomically: true, encoding: .utf8)
            _ = await Self.eventually(seconds: 60) { !received.all.isEmpty }
        }
        let bodies = received.all
        #expect(bodies.count == 1)
        let body = try #require(bodies.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["type"] as? String == "incident.opened")
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["kind"] as? String == "harassment")
        #expect(data["target"] as? String == "1001")
        #expect(data["caller"] as? String == "+447*******23")

        let store = try configuration.openIncidentStore()
        let incident = try #require(try store.incidents(status: .open, limit: 10).first)
        #expect(incident.identity == "+447700900123")
        #expect(try store.timeline(incidentID: incident.id)?.calls.count == 5)
    }

    @Test("an MCID flag posted to the daemon's API reaches the webhook at once although alerts.poll_interval is 60s")
    func mcidFlagLeavesAtOnce() async throws {
        let directory = try TestSupport.temporaryDirectory("incident-daemon-mcid")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret(Self.secret, named: "hook.secret", in: directory)
        let received = ReceivedBodies()
        let (receiverTask, receiverPort) = try await Self.startReceiver(collecting: received)
        defer { receiverTask.cancel() }
        let yaml = """
            store:
              path: callwarden.sqlite
            numbering:
              country: GB
            decision:
              http: off
            api:
              listen: 127.0.0.1:0
            alerts:
              journal: false
              poll_interval: 60s
              webhooks:
                - name: security
                  url: http://127.0.0.1:\(receiverPort)/hook
                  secret_file: hook.secret
            """
        try yaml.write(toFile: directory + "/callwarden.yaml", atomically: true, encoding: .utf8)
        // The PBX's token, made as `callwarden tokens create` makes it, before the daemon starts.
        let token = try AccessTokenIssuer.issue(
            name: "pbx-mcid", role: .pbx, actor: "test", at: WallClock.system.now(),
            store: try CallwardenConfiguration.load(path: directory + "/callwarden.yaml").openTokenStore())
        // Two flags, each after the one before arrived: by the second the dispatcher has long done
        // its first round, so only the store's ring can bring it before the 60 s poll.
        let (statuses, arrived) = try await TestSupport.withDaemon(config: directory + "/callwarden.yaml") { _, addresses in
            let apiPort = TestSupport.port(addresses, "api.listen")
            var statuses: [String] = []
            var arrived: [Bool] = []
            for (index, kind) in ["threat", "bomb-threat"].enumerated() {
                statuses.append(Self.post("kind=\(kind)&extension=1001", path: "/v1/mcid", port: apiPort, token: token.text) ?? "")
                arrived.append(await Self.eventually(seconds: 20) { received.all.count > index })
            }
            return (statuses, arrived)
        }
        #expect(statuses.allSatisfy { $0.hasPrefix("HTTP/1.1 201") })
        #expect(arrived == [true, true])
        let bodies = received.all.compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        #expect(bodies.map { $0["type"] as? String } == ["incident.flagged", "incident.flagged"])
        #expect(bodies.map { ($0["data"] as? [String: Any])?["kind"] as? String } == ["threat", "bomb-threat"])
    }

    /// A signing webhook receiver on a loopback port of its own: bodies with a valid Standard
    /// Webhooks signature are collected, others answered 401.
    static func startReceiver(collecting received: ReceivedBodies) async throws -> (Task<Void, any Error>, Int) {
        let verifier = try #require(StandardWebhookSignature(secret: Self.secret))
        let router = Router(context: BasicRequestContext.self)
        router.post("hook") { request, _ -> Response in
            let body = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
            let timestamp = Int64(request.headers[HTTPField.Name("webhook-timestamp")!] ?? "") ?? 0
            let signature = request.headers[HTTPField.Name("webhook-signature")!] ?? ""
            guard verifier.verify(id: id, timestamp: timestamp, body: body, header: signature, now: Int64(Date().timeIntervalSince1970))
            else { return Response(status: .unauthorized) }
            received.append(body)
            return Response(status: .noContent)
        }
        let port = AsyncStream<Int>.makeStream()
        let receiver = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { port.continuation.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "test.receiver"))
        let task = Task { try await receiver.runService(gracefulShutdownSignals: []) }
        for await bound in port.stream { return (task, bound) }
        throw CancellationError()
    }

    /// Checks `condition` every 50 ms until it holds or `seconds` pass (a bound on waiting, not a
    /// timing assertion).
    static func eventually(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// POSTs a form body over a plain connection; the response's status line, or nil.
    static func post(_ form: String, path: String, port: Int, token: String) -> String? {
        guard let socket = BlockingLineSocket(port: port) else { return nil }
        socket.send(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Authorization: Bearer \(token)\r\n"
                + "Content-Length: \(form.utf8.count)\r\nConnection: close\r\n\r\n" + form)
        return socket.readLine()?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Webhook bodies a test receiver accepted, in arrival order.
final class ReceivedBodies: Sendable {
    private let bodies = Mutex<[[UInt8]]>([])
    func append(_ body: [UInt8]) { bodies.withLock { $0.append(body) } }
    var all: [[UInt8]] { bodies.withLock { $0 } }
}
