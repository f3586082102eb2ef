import CallModel
import Logging
import NIOCore

/// One FreeSWITCH inbound event-socket session (protocols.md §3.3): answers `auth/request` with
/// `auth <password>`, subscribes with `event plain CHANNEL_CREATE CHANNEL_ANSWER
/// CHANNEL_HANGUP_COMPLETE`, maps `text/event-plain` messages into the queue, closes on
/// `text/disconnect-notice`, and sends `exit` on shutdown. A refused `auth` closes the connection
/// (the client retries with backoff). Deliberately not handled: `event json`/`xml` and filters.
final class ESLSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = ESLMessage
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let subscription = "event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE"

    private enum Stage { case awaitingAuthRequest, authenticating, subscribing, subscribed, leaving }

    private let password: Secret
    private let monitor: ClientSessionMonitor
    private let logger: Logger
    private let mapper: ESLEventMapper
    private let flow: ClientFlow
    private var stage = Stage.awaitingAuthRequest

    init(password: Secret, mapper: ESLEventMapper, flow: ClientFlow, monitor: ClientSessionMonitor, logger: Logger) {
        self.password = password
        self.mapper = mapper
        self.flow = flow
        self.monitor = monitor
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { flow.attach(to: context) }

    func handlerRemoved(context: ChannelHandlerContext) { flow.detach() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch message.headers["Content-Type"] ?? "" {
        case "auth/request":
            stage = .authenticating
            send("auth " + password.text, context: context)
        case "command/reply":
            reply(message.headers["Reply-Text"] ?? "", context: context)
        case "text/event-plain":
            guard let body = message.body else { return }
            switch mapper.map(ESLEventBody.parse(body)) {
            case .event(let event): flow.enqueue(event)
            case .ignored: StreamCounters.add(flow.queue.counters.unmappedMessages)
            case .malformed(let reason):
                StreamCounters.add(flow.queue.counters.malformedRecords)
                logger.debug("ESL event not understood", metadata: ["reason": "\(reason)"])
            }
        case "text/disconnect-notice":
            context.close(promise: nil)
        default:
            StreamCounters.add(flow.queue.counters.unmappedMessages)
        }
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        let accepted = text.hasPrefix("+OK")
        switch stage {
        case .authenticating:
            guard accepted else {
                StreamCounters.add(flow.queue.counters.connectionsRefused)
                logger.error("ESL auth refused")
                context.close(promise: nil)
                return
            }
            stage = .subscribing
            send(Self.subscription, context: context)
        case .subscribing:
            guard accepted else {
                logger.error("ESL subscription refused", metadata: ["esl.reply": "\(text)"])
                context.close(promise: nil)
                return
            }
            stage = .subscribed
            monitor.markEstablished()
            logger.info("ESL subscribed")
        case .leaving:
            context.close(promise: nil)
        case .awaitingAuthRequest, .subscribed:
            StreamCounters.add(flow.queue.counters.unmappedMessages)
        }
    }

    func read(context: ChannelHandlerContext) { flow.read(context) }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ClientLogoffRequest else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        stage = .leaving
        send("exit", context: context)
        promise?.succeed(())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("ESL connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Writes one command: the text (line breaks removed) and an empty line.
    private func send(_ command: String, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: command.utf8.count + 2)
        buffer.writeString(command.filter { $0 != "\r" && $0 != "\n" })
        buffer.writeString("\n\n")
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
