package import BoundedQueues
package import MetricsExposition
import ListenerGuards
import PacketDecoding

/// A capture source that runs on a thread of its own and hands what it reads to its
/// ``CaptureSink`` (or a bounded queue): a live capture or a HEP listener. ``SIPCaptureService``
/// starts and stops it; the daemon registers it as a ``MetricsExposition/MetricsSource`` (its
/// counters are relaxed atomics, read without a lock).
/// Deliberately not part of it: restarting after a failure (make a new one).
package protocol CaptureThread: AnyObject, MetricsSource {
    /// Starts the thread; a second call does nothing.
    func start() throws(CaptureError)
    /// Stops the thread and waits for it. What it queued stays for the consumer.
    func stop()
    /// The error that ended the thread, if one did.
    var failure: CaptureError? { get }
}

extension CaptureThread {
    package var failure: CaptureError? { nil }
}

extension LiveCapture: CaptureThread {
    package var failure: CaptureError? { lastError }

    /// `callwarden_capture_*` labelled `interface`: libpcap's `pcap_stats` (received, dropped by the
    /// kernel and by the interface), frames read, and the queue to the ingest loop.
    package func collectMetrics(into collector: inout MetricsCollector) {
        let statistics = self.statistics
        let interface = configuration.interface
        collector.counter(
            "callwarden_capture_packets_received_total",
            help: "Packets the capture filter passed (libpcap ps_recv).", labels: ["interface": interface],
            value: statistics.received)
        let dropHelp = "Captured packets lost, by where: kernel (ring buffer full, ps_drop), interface (ps_ifdrop), "
            + "queue (queue to the ingest loop full, drop newest)."
        for (reason, value) in [
            ("kernel", statistics.droppedByKernel), ("interface", statistics.droppedByInterface),
            ("queue", statistics.droppedByQueue),
        ] {
            collector.counter(
                "callwarden_capture_packets_dropped_total", help: dropHelp,
                labels: ["interface": interface, "reason": reason], value: value)
        }
        collector.counter(
            "callwarden_capture_frames_total", help: "Frames the capture thread read from libpcap.",
            labels: ["interface": interface], value: statistics.captured)
        collector.gauge(
            "callwarden_capture_queue_depth", help: "Frames waiting for the ingest loop.", labels: ["interface": interface],
            value: frames.count)
    }
}

extension HEPListener: CaptureThread {
    /// `callwarden_hep_*` labelled `transport="udp"`.
    package func collectMetrics(into collector: inout MetricsCollector) {
        collector.counter(
            "callwarden_hep_datagrams_total", help: "HEP datagrams received (UDP).", labels: ["transport": "udp"],
            value: datagramsReceived)
        HEPListenerMetrics.collect(transport: "udp", taken: payloadsTaken, payloads: payloads, dropCount: dropCount, into: &collector)
    }
}

extension HEPStreamListener: CaptureThread {
    /// `callwarden_hep_*` labelled `transport="tcp"`.
    package func collectMetrics(into collector: inout MetricsCollector) {
        collector.counter(
            "callwarden_hep_connections_total", help: "HEP TCP connections, by outcome (refused: over the limit).",
            labels: ["transport": "tcp", "outcome": "accepted"], value: acceptedConnections)
        collector.counter(
            "callwarden_hep_connections_total", help: "HEP TCP connections, by outcome (refused: over the limit).",
            labels: ["transport": "tcp", "outcome": "refused"], value: refusedConnections)
        HEPListenerMetrics.collect(transport: "tcp", taken: payloadsTaken, payloads: payloads, dropCount: dropCount, into: &collector)
        guardCounters.collectMetrics(into: &collector)
    }
}

/// What the UDP and TCP HEP listeners both export.
private enum HEPListenerMetrics {
    static func collect(
        transport: String, taken: UInt64, payloads: BoundedQueue<SIPPayload>, dropCount: (PacketDropReason) -> UInt64,
        into collector: inout MetricsCollector
    ) {
        collector.counter(
            "callwarden_hep_payloads_queued_total",
            help: "SIP payloads taken out of HEP packets and handed on (to the listener's SIP pipeline, or queued).",
            labels: ["transport": transport], value: taken)
        collector.counter(
            "callwarden_hep_queue_dropped_total",
            help: "SIP payloads dropped because the queue to the ingest loop was full (drop newest).",
            labels: ["transport": transport], value: payloads.droppedCount)
        collector.gauge(
            "callwarden_hep_queue_depth", help: "SIP payloads from HEP waiting for the ingest loop.",
            labels: ["transport": transport], value: payloads.count)
        for reason in PacketDropReason.allCases {
            let count = dropCount(reason)
            guard count > 0 else { continue }
            collector.counter(
                "callwarden_hep_dropped_total",
                help: "HEP packets dropped by the listener, by reason (malformed, not SIP, wrong auth key).",
                labels: ["transport": transport, "reason": reason.reasonName], value: count)
        }
    }
}
