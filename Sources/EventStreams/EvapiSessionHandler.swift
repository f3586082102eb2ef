import CDRParsing
import CallModel
import Logging
import NIOCore

/// One connection to Kamailio's evapi socket: every netstring payload is one event in
/// Callwarden's JSON event schema (written by `Config/kamailio/kamailio-evapi.cfg`), decoded by the
/// JSON-lines decoder. Events carry ``CallModel/EventSource/sip``: their call id is the SIP
/// Call-ID, the call-id space of SIP capture. A payload that does not decode is counted and
/// sampled into the log (at most once a minute, never its content).
/// Deliberately not handled: messages to Kamailio (evapi's `message-received` route).
final class EvapiSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let logger: Logger
    private var decoder: CDRLineDecoder
    private let flow: ClientFlow
    private let monitor: ClientSessionMonitor
    /// When a malformed line was last logged: a monotonic interval, deliberately not the injected WallClock.
    private var lastMalformedLog: ContinuousClock.Instant?

    init(decoderConfiguration: CDRDecoderConfiguration, flow: ClientFlow, monitor: ClientSessionMonitor, logger: Logger) {
        self.decoder = CDRLineDecoder(format: .jsonLines, configuration: decoderConfiguration)
        self.flow = flow
        self.monitor = monitor
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { flow.attach(to: context) }

    func handlerRemoved(context: ChannelHandlerContext) { flow.detach() }

    func channelActive(context: ChannelHandlerContext) {
        monitor.markEstablished()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        let decoded: Result<CallEvent?, CDRLineError> = payload.withUnsafeReadableBytes { bytes in
            Result { () throws(CDRLineError) -> CallEvent? in try decoder.decode(bytes) }
        }
        switch decoded {
        case .success(.some(var event)):
            event.source = .sip
            flow.enqueue(event)
        case .success(.none):
            StreamCounters.add(flow.queue.counters.unmappedMessages)
        case .failure(let error):
            StreamCounters.add(flow.queue.counters.malformedRecords)
            let now = ContinuousClock.now
            if lastMalformedLog.map({ now - $0 >= .seconds(60) }) ?? true {
                lastMalformedLog = now
                logger.warning("evapi event not understood", metadata: ["reason": "\(error)"])
            }
        }
    }

    func read(context: ChannelHandlerContext) { flow.read(context) }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ClientLogoffRequest else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        // evapi has no logoff: closing is the goodbye.
        context.close(promise: nil)
        promise?.succeed(())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("evapi connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
