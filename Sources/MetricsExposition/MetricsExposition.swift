/// # MetricsExposition
///
/// How every module offers its counters to the operator's `GET /metrics`, without knowing of HTTP
/// or of each other:
/// - ``MetricsSource``: a port any module's counter holder adopts; it writes its current values
///   into a ``MetricsCollector`` when scraped (reading atomics or a snapshot, never waiting on the
///   hot path).
/// - ``MetricsRegistry``: the sources the daemon started, collected in registration order.
/// - ``PrometheusTextFormat``: the families as Prometheus text exposition format 0.0.4.
/// - ``AtomicCounterArray``: a fixed set of relaxed atomic counters for sources to count with.
///
/// Pure and dependency-free, so that the core modules and every adapter can depend on it without
/// bending the dependency direction. Allowed imports: `Synchronization`.
enum MetricsExpositionModule {}
