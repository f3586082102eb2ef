package import CDRParsing
package import CallModel
package import ListenerGuards
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections on one TCP address or Unix socket and turns the lines senders push into
/// call events for the ingest loop (``queue`` is the ``CallwardenPorts/AcknowledgedSource`` to hand to
/// it). The wire protocol is docs/push-protocol.md.
///
/// Shutdown (graceful): stop accepting; stop reading every connection; wait (at most
/// ``PushListenerConfiguration/shutdownGrace``) while the ingest loop, still running, commits
/// what was read and the acknowledgements go out; then close the connections and return. Run it
/// after the ingest loop in the service group, so that it stops first.
/// Hostile senders: every connection goes through a ``ListenerGuards/ConnectionGuardHandler``
/// (``PushListenerConfiguration/maximumConnections`` and ``PushListenerConfiguration/maximumConnectionsPerSource``,
/// a sender that does not read its answers is closed once ``PushListenerConfiguration/maximumPendingOutput``
/// bytes wait for it), and ``PushConnectionHandler`` closes one that does not `AUTH` in time or leaves a
/// line incomplete too long.
/// Deliberately not handled: TLS, and per-sender secrets (one secret per listener).
package final class PushListener: Service, Sendable {
    package let configuration: PushListenerConfiguration
    /// The queue between this listener's connections and the ingest loop.
    package let queue: PushedEventQueue
    private let decoderConfiguration: CDRDecoderConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let registry = PushConnectionRegistry()
    private let bound: EventLoopPromise<SocketAddress>
    /// Slots per source, bounded output; its counters are a metrics source
    /// (`callwarden_listener_*{listener="push:..."}`), as are the AUTH and line deadlines' closes.
    package let connectionGuard: ConnectionGuard
    /// The `AUTH` secret in force, read when a connection opens; a configuration reload replaces it
    /// (connections already open keep what they authenticated with).
    package let secret: ReloadableSetting<Secret?>

    package init(
        configuration: PushListenerConfiguration, decoderConfiguration: CDRDecoderConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        let queue = PushedEventQueue(name: configuration.name)
        self.configuration = configuration
        self.secret = ReloadableSetting(configuration.secret)
        self.queue = queue
        self.decoderConfiguration = decoderConfiguration
        self.group = group
        self.logger = logger
        self.bound = group.next().makePromise(of: SocketAddress.self)
        var connectionGuard = ConnectionGuard(
            slots: SourceSlots(total: configuration.maximumConnections, perSource: configuration.maximumConnectionsPerSource),
            counters: ListenerGuardCounters(listener: configuration.name),
            maximumPendingOutput: configuration.maximumPendingOutput,
            refusalMessage: Array("ERR 0 too-many-connections\n".utf8))
        connectionGuard.onRefusal = { _ in StreamCounters.add(queue.counters.connectionsRefused) }
        connectionGuard.logger = logger
        self.connectionGuard = connectionGuard
    }

    /// The address the listener is bound to, once it is (a TCP port of 0 becomes the real port).
    package var localAddress: EventLoopFuture<SocketAddress> { bound.futureResult }

    /// Connections open now.
    package var openConnections: Int { registry.count }

    package func run() async throws {
        let server: any Channel
        do {
            server = try await bind()
        } catch {
            bound.fail(error)
            throw error
        }
        if let address = server.localAddress { bound.succeed(address) }
        logger.info("push listener accepting", metadata: ["push.listener": "\(configuration.name)", "push.format": "\(configuration.format.rawValue)"])

        try? await gracefulShutdown()

        try? await server.close()
        let connections = registry.all
        for connection in connections { await connection.stopReading() }
        // A monotonic deadline (a timeout, not processing time): deliberately not the injected WallClock.
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        while queue.unsettledCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in registry.all { connection.close() }
        if case .unix(let path) = configuration.endpoint { unlink(path) }
        logger.info(
            "push listener stopped",
            metadata: [
                "push.listener": "\(configuration.name)", "push.unsettled": "\(queue.unsettledCount)",
                "push.counters": "\(queue.counters.snapshot)",
            ])
    }

    private func bind() async throws -> any Channel {
        let configuration = self.configuration
        let decoderConfiguration = self.decoderConfiguration
        let queue = self.queue
        let registry = self.registry
        let logger = self.logger
        let connectionGuard = self.connectionGuard
        let secret = self.secret
        let idle = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000
            + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(connectionGuard.handler())
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(
                        PushConnectionHandler(
                            configuration: configuration, secret: secret.current, decoderConfiguration: decoderConfiguration,
                            queue: queue, registry: registry, connectionGuard: connectionGuard, logger: logger))
                }
            }
        switch configuration.endpoint {
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port).get()
        case .unix(let path):
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            chmod(path, mode_t(configuration.unixSocketMode))
            return channel
        }
    }
}
