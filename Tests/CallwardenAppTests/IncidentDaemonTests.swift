import AlertDelivery
import CallwardenApp
import Foundation
import HTTPTypes
import Hummingbird
import Incidents
import Logging
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
        try Self.secret.write(toFile: directory + "/hook.secret", atomically: true, encoding: .utf8)
        let start = Date().addingTimeInterval(-3_600)
        let lines = (0..<5).map { index in
            TestSupport.asteriskLine(index: index, caller: "07700900123", callee: "1001", start: start.addingTimeInterval(Double(index) * 60))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/Master.csv", atomically: true, encoding: .utf8)

        let received = Mutex<[[UInt8]]>([])
        let verifier = try #require(StandardWebhookSignature(secret: Self.secret))
        let router = Router(context: BasicRequestContext.self)
        router.post("hook") { request, _ -> Response in
            let body = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
            let timestamp = Int64(request.headers[HTTPField.Name("webhook-timestamp")!] ?? "") ?? 0
            let signature = request.headers[HTTPField.Name("webhook-signature")!] ?? ""
            guard verifier.verify(id: id, timestamp: timestamp, body: body, header: signature, now: Int64(Date().timeIntervalSince1970))
            else { return Response(status: .unauthorized) }
            received.withLock { $0.append(body) }
            return Response(status: .noContent)
        }
        let port = AsyncStream<Int>.makeStream()
        let receiver = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { port.continuation.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "test.receiver"))
        let receiverTask = Task { try await receiver.runService(gracefulShutdownSignals: []) }
        defer { receiverTask.cancel() }
        var receiverPort = 0
        for await bound in port.stream {
            receiverPort = bound
            break
        }

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
        let daemon = Task { try await Daemon(configuration: configuration, logger: Logger(label: "test.daemon")).run() }
        defer { daemon.cancel() }

        let deadline = Date().addingTimeInterval(60)
        while received.withLock({ $0.isEmpty }) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        daemon.cancel()
        _ = await daemon.result
        let bodies = received.withLock { $0 }
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
}
