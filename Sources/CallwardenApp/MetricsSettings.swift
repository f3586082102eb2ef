import EventStreams
import ListenerGuards

/// The `metrics:` section: where an operator's Prometheus scrapes the daemon.
///
/// `GET /metrics` is always served by the decision HTTP service (`decision.http`). Besides:
/// - `metrics.http` [off]: `host:port` (or a bare port, bound to 127.0.0.1) of a listener of its
///   own serving only `GET /metrics` and `GET /healthz`, for when `decision.http` is `off` or
///   scrapes should not share the PBX's address. There is no authentication, so it must be on
///   loopback (refused otherwise, naming it).
///
/// With `decision.http: off` and no `metrics.http`, the metrics are not served anywhere (the
/// capture and event-stream counters still appear in the log when their services stop).
package struct MetricsSettings: Sendable {
    package var http: (host: String, port: Int)?

    package init(http: (host: String, port: Int)? = nil) {
        self.http = http
    }

    static func read(_ root: ConfigNode) -> MetricsSettings {
        let section = root.section("metrics")
        var settings = MetricsSettings()
        if let http = section.string("http"), http != "off" {
            if case .tcp(host: let host, port: let port)? = EventStreamSettings.parseTCP(http) {
                settings.http = (host, port)
                if !ListenerAddress.isLoopback(host: host) {
                    section.fail(
                        "http", "\(host):\(port) is off loopback without authentication (the metrics listener has "
                            + "none): bind to 127.0.0.1 and let a proxy or the scraper's tunnel reach it")
                }
            } else {
                section.fail("http", "\"\(http)\" is not off, a port or host:port (e.g. 127.0.0.1:9750)")
            }
        }
        return settings
    }
}
