/// What a GRE packet carries, and where it starts.
enum GREPayload: Equatable {
    case ethernet(offset: Int)
    case ipv4(offset: Int)
    case ipv6(offset: Int)
    case dropped(PacketDropReason)
}

/// GRE (RFC 2784/2890) as port mirroring uses it: transparent Ethernet bridging (0x6558), IPv4,
/// IPv6, and Cisco ERSPAN type I/II (0x88BE) and type III (0x22EB) in front of a mirrored Ethernet frame.
///
/// Deliberately not handled: GRE version 1 (PPTP), source routing (the R bit), and checksums.
enum GREHeaderParser {
    static func parse(_ packet: UnsafeRawBufferPointer) -> GREPayload {
        guard packet.count >= 4 else { return .dropped(.greTruncated) }
        let flags = packet.bigEndianUInt16(at: 0)
        guard flags & 0x0007 == 0, flags & 0x4000 == 0 else { return .dropped(.greUnsupported) }
        var offset = 4
        if flags & 0x8000 != 0 { offset += 4 }
        if flags & 0x2000 != 0 { offset += 4 }
        let hasSequence = flags & 0x1000 != 0
        if hasSequence { offset += 4 }
        guard offset <= packet.count else { return .dropped(.greTruncated) }
        switch packet.bigEndianUInt16(at: 2) {
        case 0x6558:
            return .ethernet(offset: offset)
        case 0x0800:
            return .ipv4(offset: offset)
        case 0x86dd:
            return .ipv6(offset: offset)
        case 0x88be:
            // Type I has no sequence number and no ERSPAN header; type II an 8-byte header.
            return hasSequence ? bounded(offset + 8, packet) : .ethernet(offset: offset)
        case 0x22eb:
            // Type III: a 12-byte header, then an 8-byte platform subheader when the O bit is set.
            guard offset + 12 <= packet.count else { return .dropped(.greTruncated) }
            let hasSubheader = packet.uint8(at: offset + 11) & 0x01 != 0
            return bounded(offset + 12 + (hasSubheader ? 8 : 0), packet)
        default:
            return .dropped(.greUnsupported)
        }
    }

    private static func bounded(_ offset: Int, _ packet: UnsafeRawBufferPointer) -> GREPayload {
        offset <= packet.count ? .ethernet(offset: offset) : .dropped(.greTruncated)
    }
}
