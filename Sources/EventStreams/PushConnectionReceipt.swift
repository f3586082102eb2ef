import NIOCore

/// The ``DeliveryReceipt`` of one push connection: hops to the connection's event loop and lets
/// its handler acknowledge. Also the handle the listener's registry keeps for shutdown.
final class PushConnectionReceipt: DeliveryReceipt {
    private let handler: NIOLoopBound<PushConnectionHandler>
    let eventLoop: any EventLoop

    init(handler: NIOLoopBound<PushConnectionHandler>, eventLoop: any EventLoop) {
        self.handler = handler
        self.eventLoop = eventLoop
    }

    func committed(throughLine line: Int, events: Int) {
        eventLoop.execute { self.handler.value.committed(throughLine: line, events: events) }
    }

    /// Shutdown, step 1: read no more from this connection.
    /// Returns once the handler has stopped, so every line it had read before is in the queue
    /// (and counted as unsettled) by then.
    func stopReading() async {
        try? await eventLoop.submit { self.handler.value.stopReading() }.get()
    }

    /// Shutdown, step 2: close it.
    func close() {
        eventLoop.execute { self.handler.value.close() }
    }
}
