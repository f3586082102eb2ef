package import BoundedQueues
package import CallModel
package import MetricsExposition

extension BoundedQueue: MetricsSource where Element == CallEvent {
    /// `callwarden_event_queue_{accepted,dropped}_total`, `_depth` and `_capacity`, labelled
    /// `queue` with the queue's name (`decision`): relaxed atomic loads only.
    package func collectMetrics(into collector: inout MetricsCollector) {
        collector.counter(
            "callwarden_event_queue_accepted_total", help: "Call events taken into a pushed-event queue.",
            labels: ["queue": name], value: acceptedCount)
        collector.counter(
            "callwarden_event_queue_dropped_total",
            help: "Call events refused because the pushed-event queue was full (drop newest).",
            labels: ["queue": name], value: droppedCount)
        collector.gauge(
            "callwarden_event_queue_depth", help: "Call events waiting in a pushed-event queue for the ingest loop.",
            labels: ["queue": name], value: count)
        collector.gauge(
            "callwarden_event_queue_capacity", help: "How many call events a pushed-event queue holds.",
            labels: ["queue": name], value: capacity)
    }
}
