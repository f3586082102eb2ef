package import CallModel

/// Bounds on TCP stream reassembly, so that many connections, lost segments or a peer that never
/// ends a message cost bounded memory.
package struct TCPReassemblyLimits: Sendable {
    /// Connections tracked at once; a further one is not tracked (`tcpFlowTableFull`) until idle
    /// eviction or FIN/RST frees a slot.
    package var maxFlows: Int
    /// Out-of-order segments held per direction; one more gives the gap up (`tcpOutOfOrderOverflow`).
    package var maxOutOfOrderSegmentsPerFlow: Int
    /// Out-of-order bytes held per direction; more gives the gap up the same way.
    package var maxOutOfOrderBytesPerFlow: Int
    /// The largest SIP message (headers and body) or WebSocket message accepted on a stream.
    package var maxMessageBytes: Int
    /// Stream and out-of-order bytes held by all flows together (`tcpBufferBudgetExceeded`).
    package var maxBufferedBytesTotal: Int
    /// Capture time without a segment after which a flow is forgotten.
    package var idleTimeout: TimeSpan

    package init(
        maxFlows: Int = 16_384, maxOutOfOrderSegmentsPerFlow: Int = 64, maxOutOfOrderBytesPerFlow: Int = 256 << 10,
        maxMessageBytes: Int = 64 << 10, maxBufferedBytesTotal: Int = 64 << 20, idleTimeout: TimeSpan = .minutes(5)
    ) {
        self.maxFlows = maxFlows
        self.maxOutOfOrderSegmentsPerFlow = maxOutOfOrderSegmentsPerFlow
        self.maxOutOfOrderBytesPerFlow = maxOutOfOrderBytesPerFlow
        self.maxMessageBytes = maxMessageBytes
        self.maxBufferedBytesTotal = maxBufferedBytesTotal
        self.idleTimeout = idleTimeout
    }
}
