package import Hummingbird
package import Logging
package import MetricsExposition
package import NIOCore

/// Where the HTTP decision service listens.
package struct DecisionHTTPConfiguration: Hashable, Sendable {
    /// The address to bind; loopback by default (there is no authentication).
    package var host: String
    /// 8750 by default (the shipped Kamailio configuration asks there); 0 picks a free port.
    package var port: Int

    package init(host: String = "127.0.0.1", port: Int = 8750) {
        self.host = host
        self.port = port
    }
}

/// The HTTP decision service as a Hummingbird application, a ServiceLifecycle `Service` to run in
/// the daemon's service group (or with `runService()`).
///
/// Deliberately not handled: TLS, HTTP/2 and request logging (Hummingbird's own logger stays at
/// the level of the logger passed in; nothing here logs per request).
package enum DecisionHTTPServer {
    /// The application serving ``DecisionHTTPRoutes`` on `configuration`'s address; `/metrics`
    /// renders `metrics` (nil: the screener's ``DecisionMetrics`` only).
    /// `onServerRunning` is told the listening channel (its `localAddress` gives the port).
    package static func application(
        configuration: DecisionHTTPConfiguration,
        screener: CallScreener,
        metrics: MetricsRegistry? = nil,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: DecisionHTTPRoutes.router(screener: screener, metrics: metrics),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "callwarden-decision"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
