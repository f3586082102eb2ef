package import BoundedQueues
import CPcap
import CallModel
import Glibc
package import PacketDecoding
import Synchronization

/// Live capture from an interface on a thread of its own: each frame goes to the ``CaptureSink``
/// (the daemon's ``SIPCaptureWorker`` decodes it there, straight from libpcap's buffer), or, without
/// a sink, is copied into a bounded queue of frames.
///
/// ``init(configuration:)`` opens and activates the interface and installs the filter, so a bad
/// interface, a missing privilege (CAP_NET_RAW) or a bad filter fails there, before ``start()``.
/// The capture thread copies each frame into ``frames`` (drop newest when full, counted) and
/// refreshes ``statistics`` from `pcap_stats` after every timeout and every 4,096 frames; it is the
/// only thread that touches the libpcap handle until ``stop()`` has joined it.
/// Deliberately not handled: restarting after ``stop()`` (make a new one), monitor mode, and
/// hardware timestamps.
package final class LiveCapture: @unchecked Sendable {
    package let configuration: LiveCaptureConfiguration
    /// The filter in force (the configured one or the default for this link type).
    package let filter: String
    package let linkType: LinkType
    /// Frames for the consumer. One consumer at a time.
    package let frames: BoundedQueue<CapturedFrame>
    /// Where frames go instead of ``frames``, on the capture thread.
    package let sink: (any CaptureSink)?
    private let handle: OpaquePointer
    private let stopRequested = Atomic<Bool>(false)
    private let received = Atomic<UInt64>(0)
    private let droppedByKernel = Atomic<UInt64>(0)
    private let droppedByInterface = Atomic<UInt64>(0)
    private let captured = Atomic<UInt64>(0)
    private let failureState = Mutex<CaptureError?>(nil)
    private let thread = Mutex<JoinableThread?>(nil)

    package init(configuration: LiveCaptureConfiguration, sink: (any CaptureSink)? = nil) throws(CaptureError) {
        self.configuration = configuration
        self.sink = sink
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_create(configuration.interface, &errorBuffer) else {
            throw .interfaceOpenFailed(interface: configuration.interface, message: PcapHandle.text(of: errorBuffer))
        }
        let milliseconds = configuration.timeout.components.seconds * 1_000
            + configuration.timeout.components.attoseconds / 1_000_000_000_000_000
        pcap_set_snaplen(handle, configuration.snapLength)
        pcap_set_promisc(handle, configuration.promiscuous ? 1 : 0)
        pcap_set_timeout(handle, Int32(clamping: max(1, milliseconds)))
        pcap_set_buffer_size(handle, configuration.bufferSize)
        pcap_set_immediate_mode(handle, configuration.immediateMode ? 1 : 0)
        let status = pcap_activate(handle)
        if status < 0 {
            let detail = status == PCAP_ERROR ? PcapHandle.lastError(handle) : String(cString: pcap_statustostr(status))
            pcap_close(handle)
            throw .interfaceOpenFailed(interface: configuration.interface, message: detail)
        }
        if configuration.interface == "any" && configuration.prefersLinuxSLL2 {
            // libpcap ≥ 1.10 offers SLL2 on `any` (it carries the interface index); older ones keep SLL.
            _ = pcap_set_datalink(handle, Int32(LinkType.linuxSLL2.rawValue))
        }
        let linkType = LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle)))
        let filter =
            configuration.filter
            ?? CaptureFilter.defaultFilter(linkType: linkType, sipPorts: configuration.sipPorts, hepPorts: configuration.hepPorts)
        do {
            try PcapHandle.setFilter(filter, on: handle)
        } catch {
            pcap_close(handle)
            throw error
        }
        self.handle = handle
        self.linkType = linkType
        self.filter = filter
        self.frames = BoundedQueue(capacity: sink == nil ? configuration.queueCapacity : 2)
    }

    deinit {
        stop()
        pcap_close(handle)
    }

    /// Starts the capture thread. A second call does nothing.
    package func start() throws(CaptureError) {
        try thread.withLock { (thread: inout JoinableThread?) throws(CaptureError) in
            guard thread == nil else { return }
            thread = try JoinableThread { [self] in captureLoop() }
        }
    }

    /// Asks the capture thread to stop and waits for it (at most about one timeout). Frames already
    /// queued stay there for the consumer.
    package func stop() {
        stopRequested.store(true, ordering: .releasing)
        pcap_breakloop(handle)
        let running = thread.withLock { $0 }
        running?.join()
    }

    /// A snapshot of the counters.
    package var statistics: CaptureStatistics {
        CaptureStatistics(
            received: received.load(ordering: .relaxed), droppedByKernel: droppedByKernel.load(ordering: .relaxed),
            droppedByInterface: droppedByInterface.load(ordering: .relaxed), captured: captured.load(ordering: .relaxed),
            droppedByQueue: frames.droppedCount)
    }

    /// The error that ended the capture thread, if one did.
    package var lastError: CaptureError? { failureState.withLock { $0 } }

    private func captureLoop() {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var sinceStatistics = 0
        // pcap_next_ex blocks without end on an idle Linux socket whatever the timeout, so the
        // thread reads without blocking and waits in poll(2) for at most one timeout: an idle
        // capture still refreshes its statistics and lets its sink move time on.
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        let selectable = pcap_setnonblock(handle, 1, &errorBuffer) == 0 ? pcap_get_selectable_fd(handle) : -1
        let milliseconds = Int32(
            clamping: max(1, configuration.timeout.components.seconds * 1_000
                + configuration.timeout.components.attoseconds / 1_000_000_000_000_000))
        while !stopRequested.load(ordering: .acquiring) {
            let status = pcap_next_ex(handle, &header, &data)
            if status == 1, let header, let data {
                let record = header.pointee
                let timestamp = Timestamp(
                    microsecondsSinceEpoch: Int64(record.ts.tv_sec) * 1_000_000 + Int64(record.ts.tv_usec))
                let raw = UnsafeRawBufferPointer(start: data, count: Int(record.caplen))
                if let sink {
                    sink.takeFrame(raw, linkType: linkType, timestamp: timestamp)
                } else {
                    frames.tryPush(
                        CapturedFrame(linkType: linkType, timestamp: timestamp, bytes: [UInt8](raw), originalLength: Int(record.len)))
                }
                captured.wrappingAdd(1, ordering: .relaxed)
                sinceStatistics += 1
                if sinceStatistics >= 4_096 {
                    refreshStatistics()
                    sinceStatistics = 0
                }
            } else if status == 0 {
                if selectable >= 0 {
                    var descriptor = pollfd(fd: selectable, events: Int16(POLLIN), revents: 0)
                    if poll(&descriptor, 1, milliseconds) > 0 { continue }
                }
                refreshStatistics()
                sinceStatistics = 0
                sink?.idle()
            } else if status == PCAP_ERROR_BREAK {
                break
            } else {
                let message = PcapHandle.lastError(handle)
                failureState.withLock { $0 = .readFailed(message: message) }
                break
            }
        }
        refreshStatistics()
    }

    private func refreshStatistics() {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return }
        received.store(UInt64(stats.ps_recv), ordering: .relaxed)
        droppedByKernel.store(UInt64(stats.ps_drop), ordering: .relaxed)
        droppedByInterface.store(UInt64(stats.ps_ifdrop), ordering: .relaxed)
    }
}
