package import NIOCore
package import ServiceLifecycle
import Synchronization

/// One listener of the daemon (`decision.http`, `decision.agi`, `metrics.http`,
/// `api.listen`, a push listener): the configuration key and address it was asked to
/// bind, and — once its service has bound — the address it got (a port of 0 becomes the real one).
/// `READY=1` waits for every binding (``BuiltDaemon/ready()``).
package final class ListenerBinding: Sendable {
    /// The configuration key, e.g. `decision.http`.
    package let key: String
    /// The address as configured, e.g. `127.0.0.1:8750`.
    package let requested: String

    private enum State {
        case waiting([CheckedContinuation<SocketAddress, any Error>])
        case bound(SocketAddress)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))

    package init(key: String, requested: String) {
        self.key = key
        self.requested = requested
    }

    /// The bound address; waits until the listener has bound, throws when it could not.
    package func address() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<SocketAddress, any Error>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .bound(let address): return .success(address)
                case .failed(let error): return .failure(error)
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    var isBound: Bool {
        state.withLock { if case .bound = $0 { true } else { false } }
    }

    /// The listener is bound to `address`.
    func bound(_ address: SocketAddress?) {
        guard let address else { return }
        settle(.success(address))
    }

    /// The listener will not bind (its service failed or ended first).
    func failed(_ error: any Error) {
        settle(.failure(error))
    }

    private func settle(_ result: Result<SocketAddress, any Error>) {
        let waiters: [CheckedContinuation<SocketAddress, any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success(let address): state = .bound(address)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}

/// A listener failed to start: names the configuration key and the address, e.g.
/// `decision.http 127.0.0.1:8750: bind(...): Address already in use (errno: 98)`.
package struct ListenerStartError: Error, CustomStringConvertible {
    package var key: String
    package var address: String
    package var reason: String

    package var description: String { "\(key) \(address): \(reason)" }
}

/// Runs a listener's service and settles its ``ListenerBinding``: a failure before the listener
/// was bound becomes a ``ListenerStartError`` naming the key and address.
struct ListeningService: Service {
    let binding: ListenerBinding
    let inner: any Service

    func run() async throws {
        do {
            try await inner.run()
        } catch {
            guard !binding.isBound else { throw error }
            let startError = ListenerStartError(key: binding.key, address: binding.requested, reason: "\(error)")
            binding.failed(startError)
            throw startError
        }
        binding.failed(CancellationError())
    }
}
