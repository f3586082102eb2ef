/// The network protocol found after a link-layer header.
enum NetworkProtocol {
    case ipv4
    case ipv6
}

/// What the link-layer step made of a frame: where the IP packet starts, or why there is none.
enum LinkLayerOutcome: Equatable {
    case network(NetworkProtocol, offset: Int)
    case dropped(PacketDropReason)
}

/// Strips link-layer headers: Ethernet II (802.1Q, 802.1ad and 0x9100 tags, up to four deep), Linux
/// cooked SLL and SLL2, raw IP, BSD NULL (either byte order) and LOOP.
///
/// Deliberately not handled: 802.3/LLC/SNAP frames (no IP on a SIP server's wire uses them), MPLS,
/// PPPoE, and SLL frames whose ARPHRD is not Ethernet-like (GRE, IPIP tunnels as cooked devices).
enum LinkLayerDecoder {
    static let maxVLANTags = 4

    static func decode(_ frame: UnsafeRawBufferPointer, linkType: LinkType) -> LinkLayerOutcome {
        switch linkType {
        case .ethernet:
            guard frame.count >= 14 else { return .dropped(.linkTruncated) }
            return etherType(in: frame, at: 12)
        case .linuxSLL:
            guard frame.count >= 16 else { return .dropped(.linkTruncated) }
            return etherType(in: frame, at: 14)
        case .linuxSLL2:
            guard frame.count >= 20 else { return .dropped(.linkTruncated) }
            return etherTypeSLL2(in: frame)
        case .raw, .rawDLT:
            guard frame.count >= 1 else { return .dropped(.linkTruncated) }
            switch frame.uint8(at: 0) >> 4 {
            case 4: return .network(.ipv4, offset: 0)
            case 6: return .network(.ipv6, offset: 0)
            default: return .dropped(.notIP)
            }
        case .ipv4:
            return .network(.ipv4, offset: 0)
        case .ipv6:
            return .network(.ipv6, offset: 0)
        case .null:
            guard frame.count >= 4 else { return .dropped(.linkTruncated) }
            var family = frame.littleEndianUInt32(at: 0)
            if family > 0xffff { family = family.byteSwapped }
            return addressFamily(family, offset: 4)
        case .loop:
            guard frame.count >= 4 else { return .dropped(.linkTruncated) }
            return addressFamily(frame.bigEndianUInt32(at: 0), offset: 4)
        default:
            return .dropped(.linkTypeUnsupported)
        }
    }

    /// Reads the EtherType at `offset`, stepping over VLAN tags; the caller checked `offset + 2`.
    static func etherType(in frame: UnsafeRawBufferPointer, at offset: Int) -> LinkLayerOutcome {
        var typeOffset = offset
        var tags = 0
        while true {
            let type = frame.bigEndianUInt16(at: typeOffset)
            switch type {
            case 0x0800:
                return .network(.ipv4, offset: typeOffset + 2)
            case 0x86dd:
                return .network(.ipv6, offset: typeOffset + 2)
            case 0x8100, 0x88a8, 0x9100:
                tags += 1
                guard tags <= maxVLANTags else { return .dropped(.vlanTooDeep) }
                typeOffset += 4
                guard typeOffset + 2 <= frame.count else { return .dropped(.linkTruncated) }
            default:
                return .dropped(.notIP)
            }
        }
    }

    private static func etherTypeSLL2(in frame: UnsafeRawBufferPointer) -> LinkLayerOutcome {
        switch frame.bigEndianUInt16(at: 0) {
        case 0x0800: return .network(.ipv4, offset: 20)
        case 0x86dd: return .network(.ipv6, offset: 20)
        case 0x8100, 0x88a8, 0x9100:
            // The tag follows the 20-byte header: TCI, then the inner EtherType.
            guard frame.count >= 24 else { return .dropped(.linkTruncated) }
            return etherType(in: frame, at: 22)
        default: return .dropped(.notIP)
        }
    }

    private static func addressFamily(_ family: UInt32, offset: Int) -> LinkLayerOutcome {
        switch family {
        case 2: .network(.ipv4, offset: offset)
        case 10, 24, 28, 30: .network(.ipv6, offset: offset)
        default: .dropped(.notIP)
        }
    }
}
