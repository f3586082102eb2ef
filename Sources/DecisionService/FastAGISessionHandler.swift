import NIOCore

/// One FastAGI session: reads the `agi_*` block up to its empty line, decides synchronously on the
/// event loop, sends the `SET VARIABLE CALLWARDEN_*` commands one at a time, each after the
/// previous one's `200 result=1`, then closes.
///
/// Every session ends exactly once with a counted ``DecisionMetrics/AGIOutcome``. Garbage (a line
/// that is not `agi_name: value`), too many header lines, an over-long line, a refused reply or the
/// idle timeout close the connection; Asterisk then carries on with the next dialplan priority,
/// where `CALLWARDEN_ACTION` is empty: the call goes through. Deliberately not handled: further
/// AGI commands after the variables (the session is one question, one answer).
final class FastAGISessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case readingEnvironment(AGIEnvironment)
        case sendingVariables(remaining: ArraySlice<String>)
        case finished
    }

    private let screener: CallScreener
    private let maximumHeaderLines: Int
    private var state = State.readingEnvironment(AGIEnvironment())
    /// The guard let the session in (a refused one is never active).
    private var active = false

    init(screener: CallScreener, maximumHeaderLines: Int) {
        self.screener = screener
        self.maximumHeaderLines = maximumHeaderLines
    }

    func channelActive(context: ChannelHandlerContext) {
        active = true
        screener.metrics.countRequest(.agi)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Self.unwrapInboundIn(data)
        switch state {
        case .readingEnvironment(var environment):
            if line.readableBytes == 0 {
                environmentComplete(environment, context: context)
                return
            }
            guard environment.lineCount < maximumHeaderLines else {
                finish(.tooManyHeaders, badRequest: true, context: context)
                return
            }
            guard environment.add(line: line.readableBytesView) else {
                finish(.garbage, badRequest: true, context: context)
                return
            }
            state = .readingEnvironment(environment)
        case .sendingVariables(let remaining):
            if AGICommand.isHangupNotice(line.readableBytesView) { return }
            guard AGICommand.isSuccessReply(line.readableBytesView) else {
                finish(.rejectedReply, badRequest: false, context: context)
                return
            }
            send(remaining, context: context)
        case .finished:
            return
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            finish(.idleTimeout, badRequest: false, context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let framing = error as? AGIFramingError, framing == .lineTooLong {
            finish(.lineTooLong, badRequest: true, context: context)
        } else {
            finish(.peerClosed, badRequest: false, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !active {
            state = .finished
        } else if case .finished = state {} else {
            state = .finished
            screener.metrics.countAGISession(.peerClosed)
        }
        context.fireChannelInactive()
    }

    private func environmentComplete(_ environment: AGIEnvironment, context: ChannelHandlerContext) {
        guard environment.lineCount > 0 else {
            finish(.garbage, badRequest: true, context: context)
            return
        }
        let query: RawDecisionQuery
        switch environment.query() {
        case .success(let parsed): query = parsed
        case .failure:
            finish(.garbage, badRequest: true, context: context)
            return
        }
        if query.problem() != nil {
            finish(.garbage, badRequest: true, context: context)
            return
        }
        let source = screener.trust.judge(peer: context.channel.remoteAddress, presented: .noTokenTransport)
        let outcome = screener.screen(query, from: source)
        send(AGICommand.setVariables(for: outcome.decision)[...], context: context)
    }

    private func send(_ commands: ArraySlice<String>, context: ChannelHandlerContext) {
        guard let next = commands.first else {
            finish(.completed, badRequest: false, context: context)
            return
        }
        state = .sendingVariables(remaining: commands.dropFirst())
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: next)), promise: nil)
    }

    private func finish(_ outcome: DecisionMetrics.AGIOutcome, badRequest: Bool, context: ChannelHandlerContext) {
        if case .finished = state { return }
        state = .finished
        screener.metrics.countAGISession(outcome)
        if badRequest { screener.metrics.countBadRequest(.agi) }
        context.close(promise: nil)
    }
}
