import CallModel
import Logging
import NIOCore

/// One Asterisk Manager session: answers the banner with `Action: Login` (`Events: call,cdr`),
/// checks the login response, maps events into the queue, and sends `Action: Logoff` on shutdown
/// (protocols.md §2.2). A failed login closes the connection (the client retries with backoff).
/// Deliberately not handled: MD5 challenge login (`AuthType: MD5`) and actions on live channels.
final class AMISessionHandler: ChannelDuplexHandler {
    typealias InboundIn = AMIFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let loginActionID = "callwarden-login"
    static let logoffActionID = "callwarden-logoff"

    private let username: String
    private let secret: Secret
    private let monitor: ClientSessionMonitor
    private let logger: Logger
    private var mapper: AMIEventMapper
    private let flow: ClientFlow

    init(username: String, secret: Secret, mapper: AMIEventMapper, flow: ClientFlow, monitor: ClientSessionMonitor, logger: Logger) {
        self.username = username
        self.secret = secret
        self.mapper = mapper
        self.flow = flow
        self.monitor = monitor
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { flow.attach(to: context) }

    func handlerRemoved(context: ChannelHandlerContext) { flow.detach() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .banner:
            send(["Action": "Login", "Username": username, "Secret": secret.text, "Events": "call,cdr", "ActionID": Self.loginActionID], context: context)
        case .message(let message):
            if let response = message["Response"] {
                handleResponse(response, message: message, context: context)
                return
            }
            switch mapper.map(message) {
            case .event(let event): flow.enqueue(event)
            case .ignored: StreamCounters.add(flow.queue.counters.unmappedMessages)
            case .malformed(let reason):
                StreamCounters.add(flow.queue.counters.malformedRecords)
                logger.debug("AMI event not understood", metadata: ["reason": "\(reason)"])
            }
        }
    }

    private func handleResponse(_ response: String, message: HeaderBlock, context: ChannelHandlerContext) {
        switch message["ActionID"] {
        case Self.loginActionID:
            if response.lowercased() == "success" {
                monitor.markEstablished()
                logger.info("AMI login accepted")
            } else {
                StreamCounters.add(flow.queue.counters.connectionsRefused)
                logger.error("AMI login refused", metadata: ["ami.message": "\(message["Message"] ?? "")"])
                context.close(promise: nil)
            }
        case Self.logoffActionID:
            context.close(promise: nil)
        default:
            StreamCounters.add(flow.queue.counters.unmappedMessages)
        }
    }

    func read(context: ChannelHandlerContext) { flow.read(context) }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ClientLogoffRequest else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        send(["Action": "Logoff", "ActionID": Self.logoffActionID], context: context)
        promise?.succeed(())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("AMI connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Writes one action; keys in a fixed order (Action first), each `Key: Value\r\n`, then `\r\n`.
    private func send(_ fields: KeyValuePairs<String, String>, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        for (key, value) in fields {
            buffer.writeString(key + ": " + value.filter { $0 != "\r" && $0 != "\n" } + "\r\n")
        }
        buffer.writeString("\r\n")
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
