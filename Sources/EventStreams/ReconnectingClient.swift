import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Connects to a server, runs one session until the connection ends, and reconnects with
/// ``ReconnectBackoff`` until graceful shutdown, when it asks the session to log off
/// (``ClientLogoffRequest``) and closes it after ``ClientConfiguration/logoffGrace``.
/// Deliberately not handled: TLS and DNS SRV; `host` is resolved by NIO on every attempt.
struct ReconnectingClient: Sendable {
    let name: String
    let configuration: ClientConfiguration
    let group: any EventLoopGroup
    let counters: StreamCounters
    let logger: Logger
    /// Adds the session's handlers to a new channel.
    let initializeChannel: @Sendable (any Channel, ClientSessionMonitor) -> EventLoopFuture<Void>

    func run() async {
        var backoff = ReconnectBackoff(initial: configuration.initialBackoff, maximum: configuration.maximumBackoff)
        let metadata: Logger.Metadata = ["client": "\(name)", "server": "\(configuration.host):\(configuration.port)"]
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let monitor = ClientSessionMonitor()
            do {
                let initialize = initializeChannel
                let channel = try await ClientBootstrap(group: group)
                    .connectTimeout(.seconds(5))
                    .channelOption(.autoRead, value: true)
                    .channelInitializer { channel in initialize(channel, monitor) }
                    .connect(host: configuration.host, port: configuration.port)
                    .get()
                StreamCounters.add(counters.connectionsOpened)
                logger.info("connected", metadata: metadata)
                let grace = configuration.logoffGrace
                try? await withGracefulShutdownHandler {
                    try await channel.closeFuture.get()
                } onGracefulShutdown: {
                    channel.triggerUserOutboundEvent(ClientLogoffRequest(), promise: nil)
                    let nanoseconds = grace.components.seconds * 1_000_000_000 + grace.components.attoseconds / 1_000_000_000
                    channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { channel.close(promise: nil) }
                }
                if monitor.wasEstablished { backoff.reset() }
                guard !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
                logger.warning("connection lost", metadata: metadata)
            } catch {
                logger.warning("cannot connect", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
            let wait = backoff.take()
            StreamCounters.add(counters.reconnects)
            logger.debug("reconnecting", metadata: metadata.merging(["retry.in": "\(wait)"]) { $1 })
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
        logger.info("stopped", metadata: metadata.merging(["counters": "\(counters.snapshot)"]) { $1 })
    }
}
