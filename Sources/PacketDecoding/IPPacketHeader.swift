/// The parts of an IPv4 or IPv6 header the decoder needs, with the payload located in the packet.
struct IPPacketHeader {
    var source: IPAddress
    var destination: IPAddress
    /// The upper-layer protocol (after IPv6 extension headers): 17 UDP, 6 TCP, 132 SCTP, 47 GRE.
    var transportProtocol: UInt8
    /// Where the payload lies in the buffer that was parsed (for a fragment: this fragment's data).
    var payload: Range<Int>
    /// Set when the packet is one fragment of a larger datagram.
    var fragment: FragmentPosition?
}

/// Where one fragment's data belongs in its datagram.
struct FragmentPosition {
    var identification: UInt32
    /// Offset of this fragment's data in the reassembled payload, in bytes.
    var offset: Int
    var moreFragments: Bool
}

enum IPHeaderOutcome {
    case packet(IPPacketHeader)
    case dropped(PacketDropReason)
}

/// IPv4 header parsing. Deliberately not handled: header checksum validation (captures on the
/// sending host see offloaded, unfilled checksums) and IP options (skipped by IHL, not read).
enum IPv4HeaderParser {
    static func parse(_ packet: UnsafeRawBufferPointer) -> IPHeaderOutcome {
        guard packet.count >= 20 else { return .dropped(.ipv4Truncated) }
        let versionAndLength = packet.uint8(at: 0)
        guard versionAndLength >> 4 == 4 else { return .dropped(.ipVersionMismatch) }
        let headerLength = Int(versionAndLength & 0x0f) * 4
        guard headerLength >= 20 else { return .dropped(.ipv4HeaderLengthInvalid) }
        guard headerLength <= packet.count else { return .dropped(.ipv4Truncated) }
        var totalLength = Int(packet.bigEndianUInt16(at: 2))
        // 0 appears in captures of TCP segmentation offload on the sending host: take what was captured.
        if totalLength == 0 { totalLength = packet.count }
        guard totalLength >= headerLength else { return .dropped(.ipv4TotalLengthInvalid) }
        // Longer than captured: cut by the snap length or lying; either way the payload is not all here.
        guard totalLength <= packet.count else { return .dropped(.ipv4Truncated) }
        let flagsAndOffset = packet.bigEndianUInt16(at: 6)
        let moreFragments = flagsAndOffset & 0x2000 != 0
        let offset = Int(flagsAndOffset & 0x1fff) * 8
        var header = IPPacketHeader(
            source: .v4(in: packet, at: 12),
            destination: .v4(in: packet, at: 16),
            transportProtocol: packet.uint8(at: 9),
            payload: headerLength..<totalLength,
            fragment: nil
        )
        if moreFragments || offset != 0 {
            header.fragment = FragmentPosition(
                identification: UInt32(packet.bigEndianUInt16(at: 4)), offset: offset, moreFragments: moreFragments)
        }
        return .packet(header)
    }
}
