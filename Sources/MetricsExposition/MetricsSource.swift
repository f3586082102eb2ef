/// Something that counts and offers its counters for exposition: a listener, a queue, the ingest
/// loop, the alert dispatcher. The daemon registers each source it starts in its
/// ``MetricsRegistry``; a scrape of `GET /metrics` calls ``collectMetrics(into:)`` on every one.
///
/// Contract: collecting runs on the scraping thread (an HTTP event loop), so it must be cheap and
/// must not block: read relaxed atomics, or a snapshot the owner publishes off the hot path. It
/// must not do I/O, await, or take a lock that the hot path (decode → match → detect) takes per
/// event. Names follow Prometheus practice: `callwarden_` prefix, `_total` for counters, base
/// units. Deliberately not handled: push (Pushgateway) and metric expiry (a source's series stay
/// until the process exits).
package protocol MetricsSource: Sendable {
    /// Writes this source's current values.
    func collectMetrics(into collector: inout MetricsCollector)
    /// Why the daemon is degraded now, as far as this source knows (one line, no personal data),
    /// or nil: what `GET /healthz` reports. Read from any thread, without waiting.
    var healthProblem: String? { get }
}

extension MetricsSource {
    package var healthProblem: String? { nil }
}
