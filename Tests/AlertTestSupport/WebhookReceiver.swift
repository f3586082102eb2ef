import AlertDelivery
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A webhook receiver on a loopback port: verifies every Standard Webhooks signature (a bad one
/// is answered 401 and counted) and counts deliveries per `webhook-id`.
package final class WebhookReceiver: Sendable {
    private let requestedPort: Int
    private let boundPort = Mutex<Int?>(nil)
    /// The port it listens on (once started: the one it bound, when it was asked for port 0).
    package var port: Int { boundPort.withLock { $0 } ?? requestedPort }
    private let verifier: StandardWebhookSignature
    private let state = Mutex(State())
    private let task = Mutex<Task<Void, any Error>?>(nil)

    struct State {
        var deliveries: [String: Int] = [:]
        var bodies: [String: [UInt8]] = [:]
        var badSignatures = 0
    }

    /// `port` 0 (the default) binds a free port; ``port`` then tells which.
    /// How long each answer waits after the delivery was counted (a slow receiver: a sender that
    /// dies meanwhile has delivered without knowing it).
    private let answerDelay: Duration

    package init(port: Int = 0, secret: String, answerDelay: Duration = .zero) throws {
        self.requestedPort = port
        self.answerDelay = answerDelay
        guard let verifier = StandardWebhookSignature(secret: secret) else { throw ReceiverFailure("bad secret") }
        self.verifier = verifier
    }

    /// Deliveries per webhook id.
    package var deliveries: [String: Int] { state.withLock { $0.deliveries } }
    package var badSignatures: Int { state.withLock { $0.badSignatures } }
    package func body(of id: String) -> [String: Any]? {
        guard let bytes = state.withLock({ $0.bodies[id] }) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// Starts listening; returns once the port is bound.
    package func start() async throws {
        let router = Router(context: BasicRequestContext.self)
        router.post("hook") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(body.readableBytesView)
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
            let timestamp = Int64(request.headers[HTTPField.Name("webhook-timestamp")!] ?? "") ?? 0
            let signature = request.headers[HTTPField.Name("webhook-signature")!] ?? ""
            let now = Int64(Date().timeIntervalSince1970)
            guard verifier.verify(id: id, timestamp: timestamp, body: bytes, header: signature, now: now) else {
                state.withLock { $0.badSignatures += 1 }
                return Response(status: .unauthorized)
            }
            state.withLock { state in
                state.deliveries[id, default: 0] += 1
                state.bodies[id] = bytes
            }
            if answerDelay > .zero { try? await Task.sleep(for: answerDelay) }
            return Response(status: .noContent)
        }
        // Yields once the port is bound, or finishes with the error when the server stops before
        // that (a port that cannot be bound): `start` never waits for a server that is not coming.
        let ready = AsyncThrowingStream<Void, any Error>.makeStream()
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: requestedPort)),
            onServerRunning: { [self] channel in
                boundPort.withLock { $0 = channel.localAddress?.port }
                ready.continuation.yield()
            },
            logger: Logger(label: "test.webhook"))
        task.withLock {
            $0 = Task {
                do {
                    try await app.runService(gracefulShutdownSignals: [])
                    ready.continuation.finish(throwing: ReceiverFailure("the receiver stopped before it listened"))
                } catch {
                    ready.continuation.finish(throwing: error)
                    throw error
                }
            }
        }
        for try await _ in ready.stream { return }
        throw ReceiverFailure("the receiver stopped before it listened")
    }

    package func stop() async {
        let running = task.withLock { task -> Task<Void, any Error>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        _ = await running?.result
    }
}

/// Why the receiver could not start.
package struct ReceiverFailure: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
