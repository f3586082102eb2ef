/// Why a frame, packet or stream byte range did not become a ``SIPPayload``. Each reason has its own
/// counter in ``PacketDecoderCounters``.
///
/// Reasons marked *ignored* are ordinary traffic that is not SIP (ARP, RTP, other TCP); the others
/// are malformed, truncated or over a bound.
package enum PacketDropReason: Int, CaseIterable, Sendable {
    // Link layer
    case linkTruncated
    case linkTypeUnsupported
    /// *Ignored*: an EtherType or address family that is not IPv4/IPv6 (ARP, LLDP ...).
    case notIP
    case vlanTooDeep

    // IP
    case ipv4Truncated
    case ipv4HeaderLengthInvalid
    case ipv4TotalLengthInvalid
    case ipv6Truncated
    case ipv6ExtensionTruncated
    case ipv6ExtensionChainTooLong
    case ipVersionMismatch
    /// *Ignored*: ESP, No Next Header, or an IP protocol other than UDP/TCP/SCTP/GRE (ICMP ...).
    case transportUnsupported

    // Fragment reassembly
    case fragmentOverlap
    case fragmentInconsistent
    case fragmentTooLarge
    case fragmentTableFull
    case fragmentBytesExceeded
    /// A datagram whose fragments did not all arrive within the timeout (counted per datagram).
    case fragmentTimeout

    // Transport
    case udpTruncated
    case udpLengthInvalid
    case tcpTruncated
    case tcpHeaderLengthInvalid
    case sctpTruncated
    case sctpChunkInvalid
    /// A fragmented SCTP user message that could not be joined (gap, over the bound, timed out).
    case sctpFragmentedMessage
    case greTruncated
    case greUnsupported
    case encapsulationTooDeep

    // SIP sniffing and TCP streams
    /// *Ignored*: a UDP/SCTP payload that does not start with a SIP start line (RTP, DNS ...).
    case notSIP
    /// *Ignored*: a TCP segment of a connection that is not tracked (its data did not start like SIP).
    case tcpUntracked
    /// *Ignored*: a TCP segment entirely already seen (retransmission).
    case tcpRetransmission
    /// Out-of-order segments over the per-flow bound: the gap is given up and the flow re-syncs.
    case tcpOutOfOrderOverflow
    case tcpFlowTableFull
    /// All flows together hold the most stream bytes allowed: this flow's buffers are dropped.
    case tcpBufferBudgetExceeded
    /// A SIP message in a stream whose headers or Content-Length exceed the message bound.
    case tcpMessageTooLarge
    case tcpContentLengthInvalid
    /// Unframed bytes discarded when a flow closed (FIN/RST) or idled out mid-message.
    case tcpIncompleteMessage
    case webSocketFrameInvalid

    // HEP
    case hepTruncated
    case hepLengthMismatch
    case hepChunkTruncated
    case hepChunkLengthInvalid
    case hepChunkValueInvalid
    case hepMissingChunk
    case hepVersionUnsupported
    /// *Ignored*: a HEP packet that carries something else than SIP (RTCP, logs ...).
    case hepNotSIP
    /// A HEP payload that was gzip/zlib-compressed and could not be inflated.
    case hepCompressedPayloadInvalid
    /// The HEP listener's auth key check failed (counted by the listener, not the decoder).
    case hepAuthKeyMismatch

    /// A dotted counter name for logs, e.g. `packets.dropped.fragment_overlap`.
    package var counterName: String { "packets.dropped." + reasonName }

    /// The reason in snake case, e.g. `fragment_overlap` (from the case name): the `reason` label
    /// of `callwarden_packets_dropped_total` and `callwarden_hep_dropped_total`.
    package var reasonName: String {
        var name = ""
        var previousWasUpper = true
        for character in String(describing: self) {
            if character.isUppercase && !previousWasUpper { name.append("_") }
            previousWasUpper = character.isUppercase
            name.append(contentsOf: character.lowercased())
        }
        return name
    }
}
