/// How to capture live from an interface.
package struct LiveCaptureConfiguration: Sendable {
    /// The interface name, or `any` for all interfaces (Linux cooked capture, SLL2 on libpcap ≥ 1.10).
    package var interface: String
    /// A BPF filter (`pcap-filter(7)`); nil for ``CaptureFilter/defaultFilter(linkType:sipPorts:hepPorts:)``
    /// over ``sipPorts`` and ``hepPorts``.
    package var filter: String?
    package var sipPorts: [UInt16]
    package var hepPorts: [UInt16]
    /// Bytes kept of each frame; SIP messages with big SDP or Identity headers need the default.
    package var snapLength: Int32
    /// The kernel ring buffer in bytes: what absorbs bursts while the capture thread is busy.
    package var bufferSize: Int32
    package var promiscuous: Bool
    /// Deliver packets as they arrive rather than when the kernel's block fills or `timeout` passes.
    package var immediateMode: Bool
    /// How long libpcap waits for a block before returning what it has; also how often the thread
    /// checks for a stop request and refreshes the statistics.
    package var timeout: Duration
    /// Frames the queue to the consumer holds (rounded up to a power of two).
    package var queueCapacity: Int
    /// On `any`, ask for Linux cooked v2 (SLL2, as tcpdump 4.99 does) instead of libpcap's default v1.
    package var prefersLinuxSLL2: Bool

    package init(
        interface: String = "any", filter: String? = nil, sipPorts: [UInt16] = [5060, 5061, 5080],
        hepPorts: [UInt16] = [9060], snapLength: Int32 = 262_144, bufferSize: Int32 = 32 << 20,
        promiscuous: Bool = false, immediateMode: Bool = false, timeout: Duration = .milliseconds(100),
        queueCapacity: Int = 65_536, prefersLinuxSLL2: Bool = true
    ) {
        self.interface = interface
        self.filter = filter
        self.sipPorts = sipPorts
        self.hepPorts = hepPorts
        self.snapLength = snapLength
        self.bufferSize = bufferSize
        self.promiscuous = promiscuous
        self.immediateMode = immediateMode
        self.timeout = timeout
        self.queueCapacity = queueCapacity
        self.prefersLinuxSLL2 = prefersLinuxSLL2
    }
}
