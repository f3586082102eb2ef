import Glibc
import Synchronization

/// What both HEP listeners share: the socket bound from their configuration, the ``HEPIntake``
/// their packets go through, and the thread that runs the listener's receive loop until ``stop()``.
///
/// The socket is bound in ``init(_:configuration:)`` so a port in use fails there; it is closed
/// when the runner goes away. Deliberately not handled: reading the socket (that is each
/// listener's loop, which polls ``isStopRequested``), restarting after ``stop()``.
final class HEPSocketRunner: @unchecked Sendable {
    let socket: BoundSocket
    let intake: HEPIntake
    private let stopRequested = Atomic<Bool>(false)
    private let thread = Mutex<JoinableThread?>(nil)

    init(_ kind: BoundSocket.Kind, configuration: HEPListenerConfiguration, sink: (any CaptureSink)?) throws(CaptureError) {
        socket = try BoundSocket(
            kind, host: configuration.host, port: configuration.port, receiveBufferBytes: configuration.receiveBufferBytes,
            receiveTimeoutMilliseconds: 100)
        intake = HEPIntake(authKey: configuration.reloadableAuthKey, queueCapacity: configuration.queueCapacity, sink: sink)
    }

    deinit {
        stop()
        close(socket.descriptor)
    }

    /// Whether ``stop()`` was called: the receive loop checks this at least every 100 ms.
    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Starts `receiveLoop` on a thread of its own. A second call does nothing.
    func start(_ receiveLoop: @escaping @Sendable () -> Void) throws(CaptureError) {
        try thread.withLock { (thread: inout JoinableThread?) throws(CaptureError) in
            guard thread == nil else { return }
            thread = try JoinableThread(receiveLoop)
        }
    }

    /// Asks the receive loop to end and waits for it (at most about 100 ms).
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        let running = thread.withLock { $0 }
        running?.join()
    }
}
