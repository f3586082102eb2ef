/// IPv6 header and extension-header chain parsing: Hop-by-Hop (0), Routing (43), Destination
/// Options (60), Authentication Header (51) are stepped over; a Fragment header (44) ends the walk
/// and marks the packet as a fragment. ESP (50) and No Next Header (59) end it without a payload.
///
/// Deliberately not handled: jumbograms (a zero payload length is taken as "what was captured",
/// which also covers segmentation offload), Mobility (135) and HIP/Shim6 headers (treated as an
/// unsupported transport).
enum IPv6HeaderParser {
    /// More extension headers than this is not a real packet.
    static let maxExtensionHeaders = 8

    static func parse(_ packet: UnsafeRawBufferPointer) -> IPHeaderOutcome {
        guard packet.count >= 40 else { return .dropped(.ipv6Truncated) }
        guard packet.uint8(at: 0) >> 4 == 6 else { return .dropped(.ipVersionMismatch) }
        var payloadLength = Int(packet.bigEndianUInt16(at: 4))
        if payloadLength == 0 { payloadLength = packet.count - 40 }
        guard 40 + payloadLength <= packet.count else { return .dropped(.ipv6Truncated) }
        let source = IPAddress.v6(in: packet, at: 8)
        let destination = IPAddress.v6(in: packet, at: 24)
        let chain = walkExtensions(packet, firstHeader: packet.uint8(at: 6), from: 40, end: 40 + payloadLength)
        switch chain {
        case .dropped(let reason):
            return .dropped(reason)
        case .transport(let protocolNumber, let start, let fragment):
            return .packet(
                IPPacketHeader(
                    source: source, destination: destination, transportProtocol: protocolNumber,
                    payload: start..<(40 + payloadLength), fragment: fragment))
        }
    }

    enum ChainOutcome {
        /// The upper-layer protocol, where its header starts, and the fragment header if one was met.
        case transport(UInt8, start: Int, fragment: FragmentPosition?)
        case dropped(PacketDropReason)
    }

    /// Walks extension headers starting with `firstHeader` at `from`, within `from..<end`. Also used
    /// on a reassembled payload, whose first header is the Fragment header's next header.
    static func walkExtensions(
        _ packet: UnsafeRawBufferPointer, firstHeader: UInt8, from start: Int, end: Int
    ) -> ChainOutcome {
        var next = firstHeader
        var offset = start
        for _ in 0..<maxExtensionHeaders {
            switch next {
            case 0, 43, 60, 51:
                guard offset + 2 <= end else { return .dropped(.ipv6ExtensionTruncated) }
                let lengthField = Int(packet.uint8(at: offset + 1))
                let length = next == 51 ? (lengthField + 2) * 4 : (lengthField + 1) * 8
                guard offset + length <= end else { return .dropped(.ipv6ExtensionTruncated) }
                next = packet.uint8(at: offset)
                offset += length
            case 44:
                guard offset + 8 <= end else { return .dropped(.ipv6ExtensionTruncated) }
                let nextAfter = packet.uint8(at: offset)
                let offsetAndFlags = packet.bigEndianUInt16(at: offset + 2)
                let position = FragmentPosition(
                    identification: packet.bigEndianUInt32(at: offset + 4),
                    offset: Int(offsetAndFlags & 0xfff8),
                    moreFragments: offsetAndFlags & 1 != 0)
                offset += 8
                if position.offset == 0 && !position.moreFragments {
                    // An atomic fragment (RFC 6946): a whole datagram, keep walking.
                    next = nextAfter
                    continue
                }
                return .transport(nextAfter, start: offset, fragment: position)
            case 50, 59:
                return .dropped(.transportUnsupported)
            default:
                return .transport(next, start: offset, fragment: nil)
            }
        }
        return .dropped(.ipv6ExtensionChainTooLong)
    }
}
