import Synchronization

/// The metric sources of one process, in the order they were registered; what `GET /metrics`
/// renders. The daemon registers each source as it builds it; registering and collecting take a
/// lock that only they take (never the hot path).
/// Deliberately not handled: unregistering (sources live as long as the daemon).
package final class MetricsRegistry: Sendable {
    private let sources: Mutex<[any MetricsSource]>

    package init(_ sources: [any MetricsSource] = []) {
        self.sources = Mutex(sources)
    }

    /// Adds `source`; it is collected after those registered before it.
    package func register(_ source: any MetricsSource) {
        sources.withLock { $0.append(source) }
    }

    /// Adds several sources, in order.
    package func register(_ more: [any MetricsSource]) {
        sources.withLock { $0.append(contentsOf: more) }
    }

    /// Every registered source's families, merged by name.
    package func collect() -> MetricsCollector {
        let current = sources.withLock { $0 }
        var collector = MetricsCollector()
        for source in current { source.collectMetrics(into: &collector) }
        return collector
    }

    /// What the registered sources report as degrading the daemon now, in registration order.
    package func healthProblems() -> [String] {
        sources.withLock { $0 }.compactMap(\.healthProblem)
    }

    /// The registered sources in Prometheus text exposition format 0.0.4.
    package func prometheusText() -> String {
        PrometheusTextFormat.render(collect().families)
    }
}
