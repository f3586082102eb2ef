import CallModel
import Foundation
import SIPParsing

/// A test-only reader for classic pcap files with Ethernet frames (optionally 802.1Q-tagged),
/// IPv4 or IPv6 without fragments or extension headers, and UDP or TCP. TCP payloads are put back
/// in sequence order per flow and cut into messages with ``SIPStreamFramer``. Just enough for the
/// public captures' oracle test; the real packet decoder lives in the wire engineer's module.
struct TestPcapReader {
    struct Payload {
        var bytes: [UInt8]
        var transport: SIPTransportInfo
        var frame: Int
    }

    private struct Flow: Hashable {
        var source: SIPEndpoint
        var destination: SIPEndpoint
    }

    private struct Stream {
        var nextSequence: UInt32
        var buffer: [UInt8] = []
        var pending: [UInt32: [UInt8]] = [:]
    }

    /// Every UDP payload and every framed TCP message, in capture order.
    static func payloads(path: String) throws -> [Payload] {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count >= 24 else { return [] }
        let magic = read32(data, 0, littleEndian: true)
        let littleEndian = magic == 0xA1B2_C3D4 || magic == 0xA1B2_3C4D
        let nanoseconds = magic == 0xA1B2_3C4D || magic == 0x4D3C_B2A1
        guard read32(data, 20, littleEndian: littleEndian) == 1 else { return [] }  // Ethernet only
        var payloads: [Payload] = []
        var streams: [Flow: Stream] = [:]
        var offset = 24
        var frame = 0
        while offset + 16 <= data.count {
            let seconds = Int64(read32(data, offset, littleEndian: littleEndian))
            let fraction = Int64(read32(data, offset + 4, littleEndian: littleEndian))
            let length = Int(read32(data, offset + 8, littleEndian: littleEndian))
            frame += 1
            let start = offset + 16
            offset = start + length
            guard offset <= data.count else { break }
            let time = Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + (nanoseconds ? fraction / 1_000 : fraction))
            var packet = Array(data[start..<offset])[...]
            guard packet.count >= 14 else { continue }
            var etherType = read16(packet, 12)
            packet = packet.dropFirst(14)
            while etherType == 0x8100, packet.count >= 4 {
                etherType = read16(packet, 2)
                packet = packet.dropFirst(4)
            }
            var protocolNumber: UInt8
            var source: SIPAddress
            var destination: SIPAddress
            if etherType == 0x0800, packet.count >= 20 {
                let headerLength = Int(packet[packet.startIndex] & 0x0F) * 4
                let totalLength = Int(read16(packet, 2))
                guard read16(packet, 6) & 0x3FFF == 0, totalLength <= packet.count, headerLength >= 20 else { continue }
                protocolNumber = packet[packet.startIndex + 9]
                source = .ipv4(read32(packet, 12, littleEndian: false))
                destination = .ipv4(read32(packet, 16, littleEndian: false))
                packet = packet.prefix(totalLength).dropFirst(headerLength)
            } else if etherType == 0x86DD, packet.count >= 40 {
                protocolNumber = packet[packet.startIndex + 6]
                source = .ipv6(read64(packet, 8), read64(packet, 16))
                destination = .ipv6(read64(packet, 24), read64(packet, 32))
                packet = packet.prefix(40 + Int(read16(packet, 4))).dropFirst(40)
            } else {
                continue
            }
            guard packet.count >= 8 else { continue }
            let flow = Flow(
                source: SIPEndpoint(address: source, port: read16(packet, 0)),
                destination: SIPEndpoint(address: destination, port: read16(packet, 2)))
            if protocolNumber == 17 {
                let transport = SIPTransportInfo(source: flow.source, destination: flow.destination, transport: .udp, time: time)
                payloads.append(Payload(bytes: Array(packet.dropFirst(8)), transport: transport, frame: frame))
            } else if protocolNumber == 6, packet.count >= 20 {
                let sequence = read32(packet, 4, littleEndian: false)
                let data = Array(packet.dropFirst(Int(packet[packet.startIndex + 12] >> 4) * 4))
                guard !data.isEmpty else { continue }
                var stream = streams[flow] ?? Stream(nextSequence: sequence)
                stream.pending[sequence] = data
                while let next = stream.pending.removeValue(forKey: stream.nextSequence) {
                    stream.buffer += next
                    stream.nextSequence &+= UInt32(next.count)
                }
                let transport = SIPTransportInfo(source: flow.source, destination: flow.destination, transport: .tcp, time: time)
                framing: while true {
                    switch try? SIPStreamFramer.nextFrame(in: stream.buffer) {
                    case .keepAlive(let length)?: stream.buffer.removeFirst(length)
                    case .message(let length, _)?:
                        payloads.append(Payload(bytes: Array(stream.buffer.prefix(length)), transport: transport, frame: frame))
                        stream.buffer.removeFirst(length)
                    case .needMoreBytes?: break framing
                    case nil:
                        stream.buffer.removeAll()
                        break framing
                    }
                }
                streams[flow] = stream
            }
        }
        return payloads
    }

    private static func read16<C: Collection<UInt8>>(_ bytes: C, _ offset: Int) -> UInt16 where C.Index == Int {
        UInt16(bytes[bytes.startIndex + offset]) << 8 | UInt16(bytes[bytes.startIndex + offset + 1])
    }

    private static func read32<C: Collection<UInt8>>(_ bytes: C, _ offset: Int, littleEndian: Bool) -> UInt32
    where C.Index == Int {
        let value = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[bytes.startIndex + offset + $1]) }
        return littleEndian ? value.byteSwapped : value
    }

    private static func read64<C: Collection<UInt8>>(_ bytes: C, _ offset: Int) -> UInt64 where C.Index == Int {
        (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[bytes.startIndex + offset + $1]) }
    }
}
