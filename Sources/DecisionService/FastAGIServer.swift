package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The FastAGI server for Asterisk (`AGI(agi://127.0.0.1:4573)`), a ServiceLifecycle `Service`.
///
/// Each connection is one ``FastAGISessionHandler`` behind an idle timeout and a line decoder
/// with a length limit; at most ``FastAGIConfiguration/maximumSessions`` are open at once. `run()`
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
    private let openSessions = OpenSessionCount()

    package init(
        configuration: FastAGIConfiguration,
        screener: CallScreener,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onListening: @escaping @Sendable (SocketAddress) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.screener = screener
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
    }

    package func run() async throws {
        let configuration = configuration
        let screener = screener
        let openSessions = openSessions
        let idleTimeout = TimeAmount.nanoseconds(
            configuration.idleTimeout.components.seconds * 1_000_000_000
                + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard openSessions.open(limit: configuration.maximumSessions) else {
                    screener.metrics.countRequest(.agi)
                    screener.metrics.countAGISession(.overConnectionLimit)
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in openSessions.close() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
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

/// How many sessions are open, against a limit; no lock.
private final class OpenSessionCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts one more session; false (and not counted) when `limit` are already open.
    func open(limit: Int) -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func close() {
        count.subtract(1, ordering: .relaxed)
    }
}
