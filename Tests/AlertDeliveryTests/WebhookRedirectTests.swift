import AlertDelivery
import AlertTestSupport
import AsyncHTTPClient
import CallModel
import Foundation
import HTTPTypes
import Hummingbird
import Incidents
import Logging
import Synchronization
import Testing

/// A webhook URL that answers with a redirect to another port (another host, as far as the client
/// can tell): the signed body must never reach it.
@Suite("Webhook redirects are not followed", .serialized)
struct WebhookRedirectTests {
    static let secret = "whsec_" + Data("callwarden-redirect-secret-0123456789".utf8).base64EncodedString()

    static let notice = AlertNotice(
        id: 1, key: "msg_redirect_1", incidentID: 7, event: .opened, kind: .harassment, severity: .high, status: .open,
        identity: "+447700900123", target: "1001", detail: "5 calls", startsAt: Timestamp(secondsSinceEpoch: 1_700_000_000),
        endsAt: nil, createdAt: Timestamp(secondsSinceEpoch: 1_700_000_100))

    /// Answers every POST with `status` and `Location: location`.
    final class Redirector: Sendable {
        private let task = Mutex<Task<Void, any Error>?>(nil)

        /// Listens on a free port; returns it.
        func start(status: HTTPResponse.Status, location: String) async throws -> Int {
            let router = Router(context: BasicRequestContext.self)
            router.post("hook") { _, _ -> Response in
                Response(status: status, headers: [.location: location])
            }
            let ready = AsyncStream<Int>.makeStream()
            let app = Application(
                router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { ready.continuation.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "test.redirector"))
            task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
            for await port in ready.stream { return port }
            return 0
        }

        func stop() async {
            let running = task.withLock { task -> Task<Void, any Error>? in
                defer { task = nil }
                return task
            }
            running?.cancel()
            _ = await running?.result
        }
    }

    @Test("a 302 or 307 to another port is a failed delivery; the second receiver never gets the body", arguments: [302, 307])
    func redirectIsNotFollowed(status: Int) async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        let receiverPort = receiver.port
        let redirector = Redirector()
        let redirectPort = try await redirector.start(
            status: HTTPResponse.Status(code: status), location: "http://127.0.0.1:\(receiverPort)/hook")
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let sink = WebhookSink(name: "webhook:security", url: "http://127.0.0.1:\(redirectPort)/hook", signer: signer, timeout: .seconds(5), clock: .testSystem)
        var failure: AlertDeliveryError?
        do {
            try await sink.deliver([Self.notice])
        } catch {
            failure = error
        }
        #expect(failure != nil, "a redirect is not a delivery")
        #expect("\(failure.map { "\($0)" } ?? "")".contains("\(status)"))
        #expect(receiver.deliveries.isEmpty)

        if status == 307 {
            // The same set-up with a client that follows redirects does reach the second receiver:
            // the assertion above is about the client, not a broken receiver.
            let following = WebhookSink(
                name: "webhook:security", url: "http://127.0.0.1:\(redirectPort)/hook", signer: signer, timeout: .seconds(5),
                client: .shared, clock: .testSystem)
            try? await following.deliver([Self.notice])
            #expect(receiver.deliveries[Self.notice.key] == 1)
        }
        await redirector.stop()
        await receiver.stop()
    }
}
