/// Builds link-layer frames, IP packets and transport segments byte by byte for tests, with the
/// length fields right unless a test overrides them.
package enum FrameBuilder {
    package static let fin: UInt8 = 0x01
    package static let syn: UInt8 = 0x02
    package static let rst: UInt8 = 0x04
    package static let ack: UInt8 = 0x10

    // MARK: Transport

    package static func udp(_ sourcePort: UInt16 = 5060, _ destinationPort: UInt16 = 5060, _ payload: [UInt8], length: UInt16? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(sourcePort)
        bytes.append16(destinationPort)
        bytes.append16(length ?? UInt16(payload.count + 8))
        bytes.append16(0)
        return bytes + payload
    }

    package static func tcp(
        _ sourcePort: UInt16 = 40000, _ destinationPort: UInt16 = 5060, sequence: UInt32, flags: UInt8 = ack,
        _ payload: [UInt8] = [], options: [UInt8] = []
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(sourcePort)
        bytes.append16(destinationPort)
        bytes.append32(sequence)
        bytes.append32(0)
        bytes.append(UInt8((20 + options.count) / 4) << 4)
        bytes.append(flags)
        bytes.append16(65535)
        bytes.append32(0)
        return bytes + options + payload
    }

    package static func sctpData(tsn: UInt32, stream: UInt16 = 0, first: Bool = true, last: Bool = true, _ data: [UInt8]) -> [UInt8] {
        var chunk: [UInt8] = [0, (first ? 0x02 : 0) | (last ? 0x01 : 0)]
        chunk.append16(UInt16(16 + data.count))
        chunk.append32(tsn)
        chunk.append16(stream)
        chunk.append16(0)
        chunk.append32(0)
        chunk += data
        while chunk.count % 4 != 0 { chunk.append(0) }
        return chunk
    }

    package static func sctp(_ sourcePort: UInt16 = 5060, _ destinationPort: UInt16 = 5060, chunks: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(sourcePort)
        bytes.append16(destinationPort)
        bytes.append32(0x1234)
        bytes.append32(0)
        return bytes + chunks.flatMap { $0 }
    }

    // MARK: IP

    package static func ipv4(
        source: String = "192.0.2.10", destination: String = "192.0.2.20", protocol number: UInt8 = 17,
        identification: UInt16 = 1, fragmentOffset: Int = 0, moreFragments: Bool = false, options: [UInt8] = [],
        _ payload: [UInt8], totalLength: UInt16? = nil
    ) -> [UInt8] {
        var bytes: [UInt8] = [0x40 | UInt8((20 + options.count) / 4), 0]
        bytes.append16(totalLength ?? UInt16(20 + options.count + payload.count))
        bytes.append16(identification)
        bytes.append16((moreFragments ? 0x2000 : 0) | UInt16(fragmentOffset / 8))
        bytes += [64, number]
        bytes.append16(0)
        bytes += TestAddress.v4(source) + TestAddress.v4(destination) + options
        return bytes + payload
    }

    /// An IPv4 datagram split into fragments of at most `fragmentSize` payload bytes (a multiple of 8).
    package static func ipv4Fragments(
        source: String = "192.0.2.10", destination: String = "192.0.2.20", protocol number: UInt8 = 17,
        identification: UInt16 = 7, payload: [UInt8], fragmentSize: Int
    ) -> [[UInt8]] {
        stride(from: 0, to: payload.count, by: fragmentSize).map { offset in
            let end = min(offset + fragmentSize, payload.count)
            return ipv4(
                source: source, destination: destination, protocol: number, identification: identification, fragmentOffset: offset,
                moreFragments: end < payload.count, Array(payload[offset..<end]))
        }
    }

    /// `payload` may start with extension headers; `nextHeader` names the first one.
    package static func ipv6(
        source: String = "2001:db8::10", destination: String = "2001:db8::20", nextHeader: UInt8 = 17,
        _ payload: [UInt8], payloadLength: UInt16? = nil
    ) -> [UInt8] {
        var bytes: [UInt8] = [0x60, 0, 0, 0]
        bytes.append16(payloadLength ?? UInt16(payload.count))
        bytes += [nextHeader, 64]
        bytes += TestAddress.v6(source) + TestAddress.v6(destination)
        return bytes + payload
    }

    /// A Hop-by-Hop, Routing or Destination Options header of `units` × 8 bytes.
    package static func ipv6Extension(next: UInt8, units: Int = 1) -> [UInt8] {
        [next, UInt8(units - 1)] + [UInt8](repeating: 0, count: units * 8 - 2)
    }

    package static func ipv6FragmentHeader(next: UInt8, offset: Int, more: Bool, identification: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [next, 0]
        bytes.append16(UInt16(offset & 0xfff8) | (more ? 1 : 0))
        bytes.append32(identification)
        return bytes
    }

    /// IPv6 fragments of `payload` (which starts with the upper-layer header), each behind a
    /// Hop-by-Hop header and a Fragment header.
    package static func ipv6Fragments(
        source: String = "2001:db8::10", destination: String = "2001:db8::20", protocol number: UInt8 = 17,
        identification: UInt32 = 0x1234, payload: [UInt8], fragmentSize: Int
    ) -> [[UInt8]] {
        stride(from: 0, to: payload.count, by: fragmentSize).map { offset in
            let end = min(offset + fragmentSize, payload.count)
            let headers = ipv6Extension(next: 44)
                + ipv6FragmentHeader(next: number, offset: offset, more: end < payload.count, identification: identification)
            return ipv6(source: source, destination: destination, nextHeader: 0, headers + Array(payload[offset..<end]))
        }
    }

    // MARK: Link layers

    package static func ethernet(etherType: UInt16 = 0x0800, vlanTags: [UInt16] = [], tagType: UInt16 = 0x8100, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10]
        for (index, tag) in vlanTags.enumerated() {
            bytes.append16(index == 0 && vlanTags.count > 1 ? 0x88a8 : tagType)
            bytes.append16(tag)
        }
        bytes.append16(etherType)
        return bytes + payload
    }

    package static func sll(protocol type: UInt16 = 0x0800, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(0)  // packet type: to us
        bytes.append16(1)  // ARPHRD_ETHER
        bytes.append16(6)
        bytes += [0, 1, 2, 3, 4, 5, 0, 0]
        bytes.append16(type)
        return bytes + payload
    }

    package static func sll2(protocol type: UInt16 = 0x0800, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(type)
        bytes.append16(0)
        bytes.append32(2)  // ifindex
        bytes.append16(1)
        bytes += [4, 6]  // outgoing, address length
        bytes += [0, 1, 2, 3, 4, 5, 0, 0]
        return bytes + payload
    }

    /// BSD loopback: the address family in little- or big-endian order.
    package static func null(family: UInt32, bigEndian: Bool, _ payload: [UInt8]) -> [UInt8] {
        let value = bigEndian ? family.bigEndian : family.littleEndian
        return withUnsafeBytes(of: value) { Array($0) } + payload
    }

    package static func gre(protocolType: UInt16, key: UInt32? = nil, sequence: UInt32? = nil, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16((key != nil ? 0x2000 : 0) | (sequence != nil ? 0x1000 : 0))
        bytes.append16(protocolType)
        if let key { bytes.append32(key) }
        if let sequence { bytes.append32(sequence) }
        return bytes + payload
    }
}
