import CDRParsing
import CallModel
import ListenerGuards
import Logging
import NIOCore

/// One push connection: frames lines, checks `AUTH`, decodes records with ``CDRParsing/CDRLineDecoder``,
/// queues events, answers `ERR <line> <reason>` at once and `OK <line>` once the store has
/// committed (docs/push-protocol.md), and stops reading while ``PushListenerConfiguration/window``
/// of its events wait for their commit.
///
/// The connection survives a bad record and an over-long line (both get an `ERR`); it is closed
/// after a failed `AUTH`, after the idle timeout (only while none of its events is waiting), and
/// once the sender has half-closed and every event it sent is settled. A record cut off by the end
/// of the connection is dropped (counted) and never acknowledged. With a secret, `AUTH` must come
/// within ``PushListenerConfiguration/authTimeout`` of connecting; a line must be complete within
/// ``PushListenerConfiguration/lineTimeout`` of its first byte (not while the window holds the
/// connection back): otherwise `ERR <line> auth-timeout` / `line-timeout`, closed and counted
/// (`callwarden_listener_connections_closed_total`). Deliberately not handled: TLS
/// (use a Unix socket or a local TCP address, or put a TLS terminator in front).
final class PushConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let configuration: PushListenerConfiguration
    private let queue: PushedEventQueue
    private let registry: PushConnectionRegistry
    private let logger: Logger
    private let connectionGuard: ConnectionGuard
    private let secret: Secret?
    private var decoder: CDRLineDecoder
    private var framer: LineFramer
    private var context: ChannelHandlerContext?
    private var receipt: PushConnectionReceipt?

    /// Number of the last complete line (1-based; every line counts, `AUTH` and blank ones too).
    private var lineNumber = 0
    private var authenticated: Bool
    /// Events queued and not yet committed.
    private var unsettled = 0
    private var readPaused = false
    private var readPending = false
    /// Shutdown asked this connection to read no more.
    private var stopped = false
    private var inputClosed = false
    private var closing = false
    /// Authentication failed inside the line loop: close once the loop has let go of the framer.
    private var refused = false
    private var wroteSomething = false
    /// Closes the connection unless `AUTH` succeeded first.
    private var authDeadline: Scheduled<Void>?
    /// Closes the connection unless the line it is in the middle of ends first.
    private var lineDeadline: Scheduled<Void>?

    init(
        configuration: PushListenerConfiguration, secret: Secret?, decoderConfiguration: CDRDecoderConfiguration,
        queue: PushedEventQueue, registry: PushConnectionRegistry, connectionGuard: ConnectionGuard, logger: Logger
    ) {
        self.configuration = configuration
        self.connectionGuard = connectionGuard
        self.queue = queue
        self.registry = registry
        self.logger = logger
        self.secret = secret
        self.authenticated = secret == nil
        self.decoder = CDRLineDecoder(format: configuration.format, configuration: decoderConfiguration)
        self.framer = LineFramer(maximumLineLength: PushListenerConfiguration.maximumLineLength)
    }

    // MARK: Pipeline events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let receipt = PushConnectionReceipt(handler: NIOLoopBound(self, eventLoop: context.eventLoop), eventLoop: context.eventLoop)
        self.receipt = receipt
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let receipt else { return }
        if !registry.register(receipt, channel: context.channel, limit: configuration.maximumConnections) {
            StreamCounters.add(queue.counters.connectionsRefused)
            send("ERR 0 too-many-connections")
            close()
            return
        }
        StreamCounters.add(queue.counters.connectionsOpened)
        if !authenticated {
            authDeadline = schedule(after: configuration.authTimeout, context: context) { handler in
                handler.authDeadlinePassed()
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        authDeadline?.cancel()
        lineDeadline?.cancel()
        authDeadline = nil
        lineDeadline = nil
        if framer.hasPartialRecord { StreamCounters.add(queue.counters.partialRecordsDropped) }
        framer.reset()
        if let receipt { registry.unregister(receipt) }
        logger.debug(
            "push connection closed",
            metadata: ["push.listener": "\(configuration.name)", "push.lines": "\(lineNumber)", "push.unsettled": "\(unsettled)"])
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing, !stopped else { return }
        var bytes = unwrapInboundIn(data)
        framer.append(&bytes)
        processBufferedLines()
        updateLineDeadline()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if readPaused || stopped {
            readPending = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // A connection whose events wait for the store is not idle: it is being held back.
            guard unsettled == 0, !closing else { return }
            StreamCounters.add(queue.counters.idleTimeouts)
            send("ERR \(lineNumber + 1) idle-timeout")
            close()
            return
        }
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            inputClosed = true
            processBufferedLines()
            flushIfNeeded()
            closeIfSettled()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("push connection error", metadata: ["push.listener": "\(configuration.name)", "error": "\(error)"])
        close()
    }

    // MARK: Acknowledgements and shutdown (on the event loop)

    /// The store committed `events` of this connection's events, the last from `line`.
    func committed(throughLine line: Int, events: Int) {
        unsettled -= events
        guard !closing else { return }
        send("OK \(line)")
        flushIfNeeded()
        if readPaused, unsettled < configuration.window {
            readPaused = false
            processBufferedLines()
            updateLineDeadline()
            flushIfNeeded()
            if !readPaused, !stopped, readPending, let context {
                readPending = false
                context.read()
            }
        }
        closeIfSettled()
    }

    /// Shutdown: read nothing more (what was read is still committed and acknowledged).
    func stopReading() {
        stopped = true
        framer.reset()
    }

    /// Closes the connection, whatever is pending.
    func close() {
        guard !closing, let context else { return }
        closing = true
        flushIfNeeded()
        context.close(promise: nil)
    }

    // MARK: Lines

    /// Handles every complete buffered line unless the window fills. After the end of input, once
    /// every complete line is handled, what is left is a cut-off record: dropped and counted.
    private func processBufferedLines() {
        while !readPaused, !closing, !stopped {
            let next = framer.next { line in self.handle(line) }
            if refused {
                close()
                return
            }
            switch next {
            case .needMoreData:
                if inputClosed {
                    if framer.hasPartialRecord { StreamCounters.add(queue.counters.partialRecordsDropped) }
                    framer.reset()
                }
                return
            case .line: continue
            case .overlong:
                lineNumber += 1
                StreamCounters.add(queue.counters.overlongLines)
                send("ERR \(lineNumber) line-too-long")
            }
        }
    }

    private func handle(_ line: UnsafeRawBufferPointer) {
        lineNumber += 1
        if !authenticated || (lineNumber == 1 && Self.isAuthLine(line)) {
            authenticate(line)
            return
        }
        let event: CallEvent?
        do {
            event = try decoder.decode(line)
        } catch {
            StreamCounters.add(queue.counters.malformedRecords)
            send("ERR \(lineNumber) \(error)")
            return
        }
        guard let event, let receipt else { return }
        unsettled += 1
        queue.enqueue(event, line: lineNumber, receipt: receipt)
        if unsettled >= configuration.window {
            readPaused = true
            StreamCounters.add(queue.counters.readPauses)
        }
    }

    private static let authPrefix = Array("AUTH ".utf8)

    private static func isAuthLine(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= authPrefix.count && line.prefix(authPrefix.count).elementsEqual(authPrefix)
    }

    /// `AUTH <secret>` must be the first line when a secret is configured; without one, an `AUTH`
    /// first line is accepted as it is (senders may keep sending it after the secret is removed).
    private func authenticate(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        if end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard let secret else {
            send("OK \(lineNumber)")
            return
        }
        let presented = Self.isAuthLine(line) ? line[Self.authPrefix.count..<end] : line[0..<0]
        if Self.isAuthLine(line), secret.matches(presented) {
            authenticated = true
            authDeadline?.cancel()
            authDeadline = nil
            send("OK \(lineNumber)")
        } else {
            StreamCounters.add(queue.counters.connectionsRefused)
            send("ERR \(lineNumber) auth-failed")
            refused = true
        }
    }

    // MARK: Deadlines

    private func schedule(
        after duration: Duration, context: ChannelHandlerContext, _ body: @escaping (PushConnectionHandler) -> Void
    ) -> Scheduled<Void> {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let body = NIOLoopBound(body, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: TimeAmount(duration)) { body.value(bound.value) }
    }

    /// A line in progress (bytes without their `\n`) gets a deadline; a finished one, or a
    /// connection the listener holds back for its window, none.
    private func updateLineDeadline() {
        if framer.hasPartialRecord, !readPaused, !closing, !stopped {
            guard lineDeadline == nil, let context else { return }
            lineDeadline = schedule(after: configuration.lineTimeout, context: context) { handler in
                handler.lineDeadlinePassed()
            }
        } else {
            lineDeadline?.cancel()
            lineDeadline = nil
        }
    }

    private func authDeadlinePassed() {
        authDeadline = nil
        guard !authenticated, !closing else { return }
        connectionGuard.countClose(.authDeadline)
        send("ERR \(lineNumber + 1) auth-timeout")
        close()
    }

    private func lineDeadlinePassed() {
        lineDeadline = nil
        guard framer.hasPartialRecord, !readPaused, !closing, !stopped else { return }
        connectionGuard.countClose(.lineDeadline)
        send("ERR \(lineNumber + 1) line-timeout")
        close()
    }

    // MARK: Writing

    private func send(_ text: String) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + 1)
        buffer.writeString(text)
        buffer.writeInteger(UInt8(ascii: "\n"))
        context.write(wrapOutboundOut(buffer), promise: nil)
        wroteSomething = true
    }

    private func flushIfNeeded() {
        guard wroteSomething, let context else { return }
        wroteSomething = false
        context.flush()
    }

    /// After the end of input: closes once every line was handled and every event settled.
    private func closeIfSettled() {
        if inputClosed, unsettled == 0, !framer.hasPartialRecord, !readPaused { close() }
    }
}
