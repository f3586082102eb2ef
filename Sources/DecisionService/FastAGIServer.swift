package import ListenerGuards
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// The FastAGI server for Asterisk (`AGI(agi://127.0.0.1:4573)`), a ServiceLifecycle `Service`.
///
/// Each connection is one ``FastAGISessionHandler`` behind a ``ListenerGuards/ConnectionGuardHandler``
/// (at most ``FastAGIConfiguration/maximumSessions`` open at once and
/// ``FastAGIConfiguration/maximumSessionsPerSource`` from one address; each request complete within
/// ``FastAGIConfiguration/requestTimeout`` of its first byte; bounded unsent output), an idle timeout
/// and a line decoder with a length limit. A question counts only from a source address of a
/// ``PBXCredential`` (or, with none configured, from loopback; ``QuestionTrust``). `run()`
/// binds, reports the bound address to `onListening`, and serves until its task is cancelled or
/// the service group shuts down gracefully; then it stops accepting. Deliberately not handled:
/// draining open sessions on shutdown (each lasts well under a second and Asterisk fails open
/// when the socket closes) and logging per session (see ``DecisionMetrics``).
package final class FastAGIServer: Service {
    private let configuration: FastAGIConfiguration
    private let screener: CallScreener
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let onListening: @Sendable (SocketAddress) async -> Void
    /// The listener's guard; its counters are a metrics source (`listener="decision.agi"`).
    package let connectionGuard: ConnectionGuard

    package init(
        configuration: FastAGIConfiguration,
        screener: CallScreener,
        logger: Logger,
        connectionGuard: ConnectionGuard? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onListening: @escaping @Sendable (SocketAddress) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.screener = screener
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
        let metrics = screener.metrics
        var connectionGuard = connectionGuard ?? configuration.limits.connectionGuard(listener: "decision.agi")
        connectionGuard.onRefusal = { _ in
            metrics.countRequest(.agi)
            metrics.countAGISession(.overConnectionLimit)
        }
        self.connectionGuard = connectionGuard
    }

    package func run() async throws {
        let configuration = configuration
        let screener = screener
        let connectionGuard = connectionGuard
        let idleTimeout = TimeAmount.nanoseconds(
            configuration.idleTimeout.components.seconds * 1_000_000_000
                + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        connectionGuard.handler(),
                        IdleStateHandler(readTimeout: idleTimeout),
                        ByteToMessageHandler(AGILineDecoder(maximumLength: configuration.maximumLineLength)),
                        FastAGISessionHandler(screener: screener, maximumHeaderLines: configuration.maximumHeaderLines)
                    )
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        if let address = channel.localAddress {
            logger.info("FastAGI server listening", metadata: ["address": "\(address)"])
            await onListening(address)
        }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
        logger.info("FastAGI server stopped")
    }
}
