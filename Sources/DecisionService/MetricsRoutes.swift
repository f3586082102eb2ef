package import Hummingbird
import HTTPTypes
package import Logging
package import MetricsExposition
package import NIOCore

/// The operator's routes, mounted on the decision service's router and on the metrics-only
/// listener (``MetricsHTTPServer``):
///
/// - `GET /healthz` → `200 ok`, or `200 degraded: <why>` (one line per problem) while a source
///   reports one (``MetricsExposition/MetricsSource/healthProblem``; the store unwritable). Still
///   200: the daemon decides calls from its last rules while degraded, so a load balancer must not
///   take it out; monitoring reads `callwarden_store_degraded` or the body.
/// - `GET /metrics` → every source in `registry` as Prometheus text format 0.0.4
///
/// A scrape collects on the event loop that took it: sources read atomics or published snapshots
/// (see ``MetricsExposition/MetricsSource``), nothing waits on the store or the hot path.
/// Deliberately not handled: authentication (bind to loopback or a management network), gzip, and
/// the OpenMetrics format (a scraper asking for it gets 0.0.4, which Prometheus accepts).
package enum MetricsRoutes {
    package static func add<Context: RequestContext>(to router: Router<Context>, registry: MetricsRegistry) {
        router.get("healthz") { _, _ -> Response in
            let problems = registry.healthProblems()
            let body = problems.isEmpty ? "ok\n" : problems.map { "degraded: \($0)\n" }.joined()
            return DecisionHTTPRoutes.text(.ok, body, contentType: "text/plain; charset=utf-8")
        }
        router.get("metrics") { _, _ -> Response in
            DecisionHTTPRoutes.text(.ok, registry.prometheusText(), contentType: PrometheusTextFormat.contentType)
        }
    }
}

/// `GET /metrics` and `GET /healthz` on a listener of their own (`metrics.http`), for deployments
/// that turn the decision service off or keep scrapes off the PBX's address. A ServiceLifecycle
/// `Service` like ``DecisionHTTPServer``. Deliberately not handled: TLS and authentication.
package enum MetricsHTTPServer {
    /// The application serving ``MetricsRoutes`` on `host:port` (port 0 picks a free one; the
    /// channel handed to `onServerRunning` tells which).
    package static func application(
        host: String, port: Int, registry: MetricsRegistry, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router(context: BasicRequestContext.self)
        MetricsRoutes.add(to: router, registry: registry)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "callwarden-metrics"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
