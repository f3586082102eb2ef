/// Counters of a live capture (exported by CaptureIngest as `callwarden_capture_*`).
package struct CaptureStatistics: Sendable, Equatable {
    /// `pcap_stats` `ps_recv`: packets the filter passed (Linux: since the capture started).
    package var received: UInt64
    /// `ps_drop`: packets the kernel dropped because the ring buffer was full.
    package var droppedByKernel: UInt64
    /// `ps_ifdrop`: packets the interface or driver dropped.
    package var droppedByInterface: UInt64
    /// Frames the capture thread read from libpcap.
    package var captured: UInt64
    /// Frames dropped because the queue to the consumer was full (drop newest).
    package var droppedByQueue: UInt64

    package init(received: UInt64 = 0, droppedByKernel: UInt64 = 0, droppedByInterface: UInt64 = 0, captured: UInt64 = 0, droppedByQueue: UInt64 = 0) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
        self.captured = captured
        self.droppedByQueue = droppedByQueue
    }
}
