package import CallModel

/// Captured frames in, ``SIPPayload``s out: link layer → IP (with fragment reassembly) → UDP, TCP
/// (with stream reassembly and SIP framing), SCTP or GRE/ERSPAN → SIP, or HEP found in UDP.
///
/// A value with one owner (the capture consumer): not thread-safe, and it needs none. Frames must
/// come in capture order; capture time drives fragment and flow timeouts (swept at most once a
/// second of capture time), so replays are deterministic. Hot-path budget: no I/O, no locks, no
/// logging; allocation only for payload bytes, reassembly buffers and table growth.
///
/// What counts as SIP: a UDP or SCTP payload, or the start of a TCP stream, that begins with a SIP
/// start line (see ``SIPStartLine``) — on any port, so SIP on unusual ports is found without
/// configuration. Deliberately not handled: TLS and WSS (unreadable in a capture), IPsec,
/// VXLAN/Geneve, MPLS.
package struct PacketDecoder {
    package let configuration: PacketDecoderConfiguration
    /// Frames, messages and drops by reason since the decoder was made.
    package internal(set) var counters = PacketDecoderCounters()
    private var fragments: FragmentReassembler
    private var tcp: TCPReassembler
    /// Internal so the SCTP path (another file) can move it out while it borrows `counters`.
    var sctp = SCTPReassembler()
    private var nextSweep: Timestamp?
    /// A payload array handed back by the consumer (``recycle(_:)``), reused for the next UDP
    /// payload so that one per datagram is not allocated and freed. Internal for the UDP path.
    var spareBytes: [UInt8] = []

    package init(configuration: PacketDecoderConfiguration = .init()) {
        self.configuration = configuration
        self.fragments = FragmentReassembler(limits: configuration.fragments)
        self.tcp = TCPReassembler(limits: configuration.tcp)
    }

    /// IP datagrams currently being reassembled.
    package var fragmentedDatagramsInFlight: Int { fragments.datagramsInFlight }
    /// TCP flows currently tracked.
    package var tcpFlowsTracked: Int { tcp.flowCount }

    /// Decodes one frame and appends the SIP payloads it completed (none, one, or several when a
    /// TCP segment carried several messages) to `output`.
    /// - Parameters:
    ///   - frameNumber: the frame's 1-based position in its capture, recorded as the origin.
    package mutating func decode(
        frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp, frameNumber: UInt64,
        into output: inout [SIPPayload]
    ) {
        counters.frames &+= 1
        sweepIfDue(timestamp)
        let before = output.count
        decodeLink(frame, linkType: linkType, context: EmitContext(timestamp: timestamp, frameNumber: frameNumber), depth: 0, output: &output)
        counters.sipMessages &+= UInt64(output.count - before)
    }

    /// Decodes one owned frame (see ``decode(frame:linkType:timestamp:frameNumber:into:)``).
    package mutating func decode(_ frame: CapturedFrame, frameNumber: UInt64, into output: inout [SIPPayload]) {
        frame.bytes.withUnsafeBytes { bytes in
            decode(frame: bytes, linkType: frame.linkType, timestamp: frame.timestamp, frameNumber: frameNumber, into: &output)
        }
    }

    /// Hands back a payload's bytes once nothing else holds them (the parsed message is gone), to
    /// be reused by the next UDP payload. Only an array of at most 64 KiB is kept (one datagram's
    /// worth); handing back an array still shared elsewhere is safe, only not cheaper: the next
    /// payload then copies it on write.
    package mutating func recycle(_ bytes: consuming [UInt8]) {
        guard bytes.capacity <= 65_536 + 64 else { return }
        spareBytes = bytes
    }

    /// Expires incomplete fragment sets and idle TCP flows as of `now` (capture time). Called by
    /// ``decode(frame:linkType:timestamp:frameNumber:into:)`` once per second of capture time; call it
    /// yourself when frames stop arriving.
    package mutating func sweep(now: Timestamp) {
        fragments.expire(now: now, counters: &counters)
        tcp.expireIdle(now: now, counters: &counters)
        sctp.expire(now: now, counters: &counters)
        nextSweep = now + .seconds(1)
    }

    private mutating func sweepIfDue(_ timestamp: Timestamp) {
        guard let due = nextSweep else {
            nextSweep = timestamp + .seconds(1)
            return
        }
        if timestamp >= due { sweep(now: timestamp) }
    }

    // MARK: - Layers

    mutating func decodeLink(
        _ frame: UnsafeRawBufferPointer, linkType: LinkType, context: EmitContext, depth: Int,
        output: inout [SIPPayload]
    ) {
        switch LinkLayerDecoder.decode(frame, linkType: linkType) {
        case .dropped(let reason):
            counters.count(reason)
        case .network(let network, let offset):
            decodeNetwork(frame.dropping(first: offset), network, context: context, depth: depth, output: &output)
        }
    }

    mutating func decodeNetwork(
        _ packet: UnsafeRawBufferPointer, _ network: NetworkProtocol, context: EmitContext, depth: Int,
        output: inout [SIPPayload]
    ) {
        let outcome = network == .ipv4 ? IPv4HeaderParser.parse(packet) : IPv6HeaderParser.parse(packet)
        guard case .packet(let header) = outcome else {
            if case .dropped(let reason) = outcome { counters.count(reason) }
            return
        }
        guard let position = header.fragment else {
            decodeTransport(
                packet.slice(header.payload), protocolNumber: header.transportProtocol, source: header.source,
                destination: header.destination, context: context, depth: depth, output: &output)
            return
        }
        let key = FragmentKey(
            source: header.source, destination: header.destination, identification: position.identification,
            transportProtocol: header.transportProtocol)
        guard
            let datagram = fragments.add(
                packet.slice(header.payload), key: key, position: position, timestamp: context.timestamp,
                counters: &counters)
        else { return }
        datagram.withUnsafeBytes { payload in
            var protocolNumber = header.transportProtocol
            var start = 0
            if network == .ipv6 {
                switch IPv6HeaderParser.walkExtensions(payload, firstHeader: protocolNumber, from: 0, end: payload.count) {
                case .dropped(let reason):
                    counters.count(reason)
                    return
                case .transport(let next, let transportStart, let fragment):
                    guard fragment == nil else {
                        counters.count(.fragmentInconsistent)
                        return
                    }
                    protocolNumber = next
                    start = transportStart
                }
            }
            decodeTransport(
                payload.dropping(first: start), protocolNumber: protocolNumber, source: header.source,
                destination: header.destination, context: context, depth: depth, output: &output)
        }
    }

    mutating func decodeTransport(
        _ payload: UnsafeRawBufferPointer, protocolNumber: UInt8, source: IPAddress, destination: IPAddress,
        context: EmitContext, depth: Int, output: inout [SIPPayload]
    ) {
        switch protocolNumber {
        case 17:
            decodeUDP(payload, source: source, destination: destination, context: context, output: &output)
        case 6:
            tcp.receive(payload, source: source, destination: destination, context: context, counters: &counters, output: &output)
        case 132:
            decodeSCTP(payload, source: source, destination: destination, context: context, output: &output)
        case 47:
            decodeGRE(payload, context: context, depth: depth, output: &output)
        default:
            counters.count(.transportUnsupported)
        }
    }
}
