package import MetricsExposition

extension PushedEventQueue: MetricsSource {
    /// ``StreamCounters`` as `callwarden_stream_*_total` (relaxed atomic loads) and the events not
    /// yet committed as `callwarden_stream_unsettled_events` (one short hold of the queue's lock,
    /// the same lock an enqueue takes), labelled `stream` with the queue's name (`push:tcp:127.0.0.1:7070`,
    /// `ami`, `esl`, `evapi`).
    package func collectMetrics(into collector: inout MetricsCollector) {
        let snapshot = counters.snapshot
        let series: [(name: String, help: String, value: Int)] = [
            ("callwarden_stream_events_queued_total", "Call events decoded from a stream and queued for the store.", snapshot.eventsQueued),
            ("callwarden_stream_events_committed_total", "Call events from a stream committed (acknowledged to push senders).", snapshot.eventsCommitted),
            ("callwarden_stream_malformed_records_total", "Records that could not be decoded (push: answered ERR).", snapshot.malformedRecords),
            ("callwarden_stream_overlong_lines_total", "Lines longer than the limit, rejected unread.", snapshot.overlongLines),
            ("callwarden_stream_partial_records_dropped_total", "Records cut off by a disconnect, dropped unacknowledged.", snapshot.partialRecordsDropped),
            ("callwarden_stream_connections_opened_total", "Connections accepted (listener) or established (client).", snapshot.connectionsOpened),
            ("callwarden_stream_connections_refused_total", "Connections refused: over the limit or failed authentication.", snapshot.connectionsRefused),
            ("callwarden_stream_idle_timeouts_total", "Connections closed for being idle.", snapshot.idleTimeouts),
            ("callwarden_stream_read_pauses_total", "Times reading paused because the window of unsettled events was full.", snapshot.readPauses),
            ("callwarden_stream_reconnects_total", "Client reconnection attempts after a lost or refused connection.", snapshot.reconnects),
            ("callwarden_stream_unmapped_messages_total", "Client messages that are not call events.", snapshot.unmappedMessages),
        ]
        for counter in series {
            collector.counter(counter.name, help: counter.help, labels: ["stream": name], value: counter.value)
        }
        collector.gauge(
            "callwarden_stream_unsettled_events", help: "Call events from a stream queued or in flight, not yet committed.",
            labels: ["stream": name], value: unsettledCount)
    }
}

extension PushListener: MetricsSource {
    /// The queue's series plus `callwarden_stream_connections_open`.
    package func collectMetrics(into collector: inout MetricsCollector) {
        queue.collectMetrics(into: &collector)
        collector.gauge(
            "callwarden_stream_connections_open", help: "Push connections open now.", labels: ["stream": queue.name],
            value: openConnections)
    }
}
