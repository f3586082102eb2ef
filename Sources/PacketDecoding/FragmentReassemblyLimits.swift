package import CallModel

/// Bounds on IP fragment reassembly, so that a fragment flood costs bounded memory.
package struct FragmentReassemblyLimits: Sendable {
    /// Datagrams being reassembled at once; a fragment of a further datagram is dropped
    /// (`fragmentTableFull`).
    package var maxDatagramsInFlight: Int
    /// Buffer bytes held by all datagrams being reassembled; a fragment that would exceed it is
    /// dropped together with its datagram (`fragmentBytesExceeded`).
    package var maxBytesInFlight: Int
    /// Capture time after a datagram's first fragment when an incomplete datagram is discarded
    /// (`fragmentTimeout`); Linux's `ipfrag_time` default.
    package var timeout: TimeSpan

    package init(maxDatagramsInFlight: Int = 1_024, maxBytesInFlight: Int = 8 << 20, timeout: TimeSpan = .seconds(30)) {
        self.maxDatagramsInFlight = maxDatagramsInFlight
        self.maxBytesInFlight = maxBytesInFlight
        self.timeout = timeout
    }
}
