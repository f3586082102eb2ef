package import Hummingbird
import HummingbirdCore
package import ListenerGuards
package import Logging
package import MetricsExposition
package import NIOCore

/// Where the HTTP decision service listens, and the limits it holds connections to.
package struct DecisionHTTPConfiguration: Hashable, Sendable {
    /// The address to bind; loopback by default.
    package var host: String
    /// 8750 by default (the shipped Kamailio configuration asks there); 0 picks a free port.
    package var port: Int
    /// Connections, per source, the request deadline and the output bound (``ListenerGuards/ListenerLimits``).
    package var limits: ListenerLimits
    /// A connection with no request for this long is closed.
    package var idleTimeout: Duration

    package init(
        host: String = "127.0.0.1", port: Int = 8750, limits: ListenerLimits = ListenerLimits(),
        idleTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.idleTimeout = idleTimeout
    }
}

/// The HTTP decision service as a Hummingbird application, a ServiceLifecycle `Service` to run in
/// the daemon's service group (or with `runService()`).
///
/// Every connection goes through a ``ListenerGuards/ConnectionGuardHandler`` first: slots per
/// source address, a deadline for each request from its first byte, bounded unsent output.
/// Deliberately not handled: TLS, HTTP/2 and request logging (Hummingbird's own logger stays at
/// the level of the logger passed in; nothing here logs per request).
package enum DecisionHTTPServer {
    /// The application serving ``DecisionHTTPRoutes`` on `configuration`'s address; `/metrics`
    /// renders `metrics` (nil: the screener's ``DecisionMetrics`` only). `connectionGuard` is the
    /// listener's guard (nil: one from `configuration.limits`, its counters then unregistered).
    /// `onServerRunning` is told the listening channel (its `localAddress` gives the port).
    package static func application(
        configuration: DecisionHTTPConfiguration,
        screener: CallScreener,
        metrics: MetricsRegistry? = nil,
        connectionGuard: ConnectionGuard? = nil,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<DecisionRequestContext>> {
        let connectionGuard = connectionGuard ?? configuration.limits.connectionGuard(listener: "decision.http")
        return Application(
            router: DecisionHTTPRoutes.router(screener: screener, metrics: metrics),
            server: .guardedHTTP1(connectionGuard, idleTimeout: configuration.idleTimeout),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "callwarden-decision"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with `connectionGuard`'s handler first in every connection's pipeline.
    package static func guardedHTTP1(_ connectionGuard: ConnectionGuard, idleTimeout: Duration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                connectionGuard: connectionGuard,
                inner: HTTP1Channel(responder: responder, configuration: HTTP1Channel.Configuration(idleTimeout: TimeAmount(idleTimeout))))
        }
    }
}

/// Hummingbird's HTTP/1 child channel with a ``ListenerGuards/ConnectionGuardHandler`` added
/// before its HTTP codec, so the guard sees the socket's bytes.
struct GuardedHTTP1Channel: ServerChildChannel {
    let connectionGuard: ConnectionGuard
    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(connectionGuard.handler())
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
