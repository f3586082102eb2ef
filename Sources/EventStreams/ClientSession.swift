import CallModel
import NIOCore
import Synchronization

/// Asks a client session handler to log off (AMI `Logoff`, ESL `exit`) before its channel closes;
/// sent down the pipeline as a user outbound event.
struct ClientLogoffRequest: Sendable {}

/// Whether a client session got as far as logging in, for the reconnect loop's backoff.
final class ClientSessionMonitor: Sendable {
    private let established = Atomic<Bool>(false)

    func markEstablished() { established.store(true, ordering: .relaxed) }
    var wasEstablished: Bool { established.load(ordering: .relaxed) }
}

/// The state every client session handler shares: the queue, the unsettled-event window, read
/// gating (reads are held back while `window` events wait for their commit), and the connection's
/// ``ClientConnectionReceipt``, which reopens reading as commits come in.
///
/// One per connection, used on its event loop only. Deliberately not handled: mapping or counting
/// protocol messages (each session handler does that).
final class ClientFlow {
    let queue: PushedEventQueue
    let window: Int
    private(set) var unsettled = 0
    private var readPaused = false
    private var readPending = false
    private var lineNumber = 0
    private var context: ChannelHandlerContext?
    private var receipt: ClientConnectionReceipt?

    init(queue: PushedEventQueue, window: Int) {
        self.queue = queue
        self.window = window
    }

    /// Binds the flow to its handler's channel context (from `handlerAdded`).
    func attach(to context: ChannelHandlerContext) {
        self.context = context
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        receipt = ClientConnectionReceipt(eventLoop: context.eventLoop) { events in
            bound.value.committed(events)
        }
    }

    /// Forgets the channel context (from `handlerRemoved`); commits still arriving only settle events.
    func detach() { context = nil }

    /// Queues an event with the connection's receipt; pauses reading when the window is full.
    func enqueue(_ event: CallEvent) {
        lineNumber += 1
        unsettled += 1
        queue.enqueue(event, line: lineNumber, receipt: receipt)
        if unsettled >= window, !readPaused {
            readPaused = true
            StreamCounters.add(queue.counters.readPauses)
        }
    }

    func read(_ context: ChannelHandlerContext) {
        if readPaused { readPending = true } else { context.read() }
    }

    /// `events` were committed: reopens reading when below the window.
    private func committed(_ events: Int) {
        unsettled -= events
        guard readPaused, unsettled < window else { return }
        readPaused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }
}

/// The ``DeliveryReceipt`` of a client connection: hops to its event loop and runs `committed`.
final class ClientConnectionReceipt: DeliveryReceipt {
    private let onCommitted: NIOLoopBound<(Int) -> Void>
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop, onCommitted: @escaping (Int) -> Void) {
        self.eventLoop = eventLoop
        self.onCommitted = NIOLoopBound(onCommitted, eventLoop: eventLoop)
    }

    func committed(throughLine line: Int, events: Int) {
        eventLoop.execute { self.onCommitted.value(events) }
    }
}
