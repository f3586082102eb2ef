package import Logging
package import NIOCore

/// The limits one listener holds every connection to; shared by the listener's connections.
package struct ConnectionGuard: Sendable {
    /// Slots: total and per source address.
    package let slots: SourceSlots
    /// What was refused and closed.
    package let counters: ListenerGuardCounters
    /// Unsent output a connection may have before it is closed as a slow reader (the channel's
    /// high write-buffer water mark), in bytes.
    package var maximumPendingOutput: Int
    /// A request must be answered within this from its first byte (nil: no deadline). "Answered":
    /// the listener wrote something back; the next byte read starts the next request.
    package var requestTimeout: TimeAmount?
    /// Written to a refused connection before it is closed (`ERR 0 too-many-connections\n`).
    package var refusalMessage: [UInt8]?
    /// Told of each refusal (on the connection's event loop), for a listener's own counters.
    package var onRefusal: (@Sendable (SourceSlots.Refusal) -> Void)?
    /// Where the sampled warning goes (at most one a minute per listener; nil: none).
    package var logger: Logger?

    package init(
        slots: SourceSlots, counters: ListenerGuardCounters, maximumPendingOutput: Int = 256 * 1_024,
        requestTimeout: TimeAmount? = nil, refusalMessage: [UInt8]? = nil
    ) {
        self.slots = slots
        self.counters = counters
        self.maximumPendingOutput = max(1_024, maximumPendingOutput)
        self.requestTimeout = requestTimeout
        self.refusalMessage = refusalMessage
    }

    /// Counts a close by a listener's own deadline (`AUTH`, line) and logs the sampled warning.
    package func countClose(_ reason: ListenerGuardCounters.CloseReason) {
        counters.countClose(reason)
        warnIfDue()
    }

    /// Logs one warning with every count of this listener, when one is due (at most once a
    /// minute): never a line per refused or closed connection.
    package func warnIfDue() {
        guard let logger else { return }
        let seconds = Int(NIODeadline.now().uptimeNanoseconds / 1_000_000_000)
        guard counters.warningDue(nowSeconds: seconds) else { return }
        logger.warning(
            "listener refused or closed connections (hostile or overloaded senders)",
            metadata: ["listener": "\(counters.listener)", "listener.counts": "\(counters.summary)"])
    }

    /// A fresh handler for one connection; add it first in the connection's pipeline.
    package func handler() -> ConnectionGuardHandler { ConnectionGuardHandler(self) }
}

/// One connection's guard, first in its pipeline (it sees the socket's bytes both ways):
///
/// - at `channelActive`, claims a slot from ``SourceSlots`` by the peer's address; a refused
///   connection gets the refusal message (if any), is closed and counted; the handlers after this
///   one never see it active or read from it (they do see it inactive);
/// - sets the channel's write-buffer water mark to ``ConnectionGuard/maximumPendingOutput`` and
///   closes the connection (counted `slow_reader`) when it becomes unwritable: its peer does not
///   read what it is sent, and nothing more is buffered for it;
/// - with a request timeout, closes (counted `request_deadline`) a connection whose request, from its
///   first byte, has not been answered in time (bytes trickled one a second, a body that never ends).
///
/// Deliberately not handled: idle connections between requests (each listener's own idle
/// timeout), and what a request means (any write answers it).
package final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = NIOAny
    package typealias OutboundOut = NIOAny

    private let limits: ConnectionGuard
    private var source: String?
    private var refused = false
    /// The peer stopped reading; the close is on its way.
    private var closingSlowReader = false
    private var requestDeadline: Scheduled<Void>?

    init(_ limits: ConnectionGuard) {
        self.limits = limits
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        let high = limits.maximumPendingOutput
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(low: high / 2, high: high))
    }

    package func channelActive(context: ChannelHandlerContext) {
        let key = ListenerAddress.sourceKey(of: context.channel.remoteAddress)
        if let refusal = limits.slots.claim(source: key) {
            refused = true
            limits.counters.countRefusal(refusal)
            limits.onRefusal?(refusal)
            limits.warnIfDue()
            if let message = limits.refusalMessage {
                context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: message)), promise: nil)
            }
            context.close(promise: nil)
            return
        }
        source = key
        context.fireChannelActive()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        requestDeadline?.cancel()
        requestDeadline = nil
        if let source {
            limits.slots.release(source: source)
            self.source = nil
        }
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused, !closingSlowReader else { return }
        if requestDeadline == nil, let timeout = limits.requestTimeout {
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            requestDeadline = context.eventLoop.scheduleTask(in: timeout) {
                bound.value.handler.deadlinePassed(context: bound.value.context)
            }
        }
        context.fireChannelRead(data)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        requestDeadline?.cancel()
        requestDeadline = nil
        context.write(data, promise: promise)
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable, !refused, !closingSlowReader {
            // Closed on the next turn of the event loop, not here: the write that crossed the water
            // mark may be deep inside a handler's own loop. Nothing more is read meanwhile.
            closingSlowReader = true
            limits.countClose(.slowReader)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.close(promise: nil) }
            return
        }
        context.fireChannelWritabilityChanged()
    }

    private func deadlinePassed(context: ChannelHandlerContext) {
        guard requestDeadline != nil else { return }
        requestDeadline = nil
        limits.countClose(.requestDeadline)
        context.close(promise: nil)
    }
}
