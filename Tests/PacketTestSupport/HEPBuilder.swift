/// Builds HEPv3 and HEPv2 packets for tests.
package enum HEPBuilder {
    package static func chunk(vendor: UInt16 = 0, type: UInt16, _ value: [UInt8], length: UInt16? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(vendor)
        bytes.append16(type)
        bytes.append16(length ?? UInt16(6 + value.count))
        return bytes + value
    }

    /// "HEP3", the total length (right unless given), then the chunks.
    package static func version3(_ chunks: [[UInt8]], totalLength: UInt16? = nil) -> [UInt8] {
        let body = chunks.flatMap { $0 }
        var bytes: [UInt8] = Array("HEP3".utf8)
        bytes.append16(totalLength ?? UInt16(6 + body.count))
        return bytes + body
    }

    package static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    package static func u32(_ value: UInt32) -> [UInt8] { u16(UInt16(value >> 16)) + u16(UInt16(value & 0xffff)) }

    /// The chunks Kamailio's siptrace sends for one SIP message, optionally with auth key and
    /// correlation id.
    package static func sipChunks(
        source: String = "192.0.2.10", sourcePort: UInt16 = 5060, destination: String = "192.0.2.20",
        destinationPort: UInt16 = 5060, ipProtocol: UInt8 = 17, seconds: UInt32 = 1_700_000_000,
        microseconds: UInt32 = 250_000, captureID: UInt32 = 2001, authKey: String? = nil, correlationID: String? = nil,
        protocolType: UInt8 = 1, payload: [UInt8]
    ) -> [[UInt8]] {
        let isV6 = source.contains(":")
        var chunks = [
            chunk(type: 1, [isV6 ? 10 : 2]), chunk(type: 2, [ipProtocol]),
            chunk(type: isV6 ? 5 : 3, TestAddress.bytes(source)), chunk(type: isV6 ? 6 : 4, TestAddress.bytes(destination)),
            chunk(type: 7, u16(sourcePort)), chunk(type: 8, u16(destinationPort)),
            chunk(type: 9, u32(seconds)), chunk(type: 10, u32(microseconds)), chunk(type: 11, [protocolType]),
            chunk(type: 12, u32(captureID)),
        ]
        if let authKey { chunks.append(chunk(type: 14, Array(authKey.utf8))) }
        chunks.append(chunk(type: 15, payload))
        if let correlationID { chunks.append(chunk(type: 17, Array(correlationID.utf8))) }
        return chunks
    }

    package static func sipVersion3(
        source: String = "192.0.2.10", sourcePort: UInt16 = 5060, destination: String = "192.0.2.20",
        destinationPort: UInt16 = 5060, authKey: String? = nil, correlationID: String? = nil, payload: [UInt8]
    ) -> [UInt8] {
        version3(
            sipChunks(
                source: source, sourcePort: sourcePort, destination: destination, destinationPort: destinationPort,
                authKey: authKey, correlationID: correlationID, payload: payload))
    }

    /// HEPv2 over IPv4 with the time header in little-endian (Kamailio) or big-endian order.
    package static func version2(
        source: String = "192.0.2.10", sourcePort: UInt16 = 5060, destination: String = "192.0.2.20",
        destinationPort: UInt16 = 5060, seconds: UInt32 = 1_700_000_000, microseconds: UInt32 = 250_000,
        captureID: UInt16 = 7, littleEndianTime: Bool = true, payload: [UInt8]
    ) -> [UInt8] {
        var bytes: [UInt8] = [2, 16, 2, 17]
        bytes.append16(sourcePort)
        bytes.append16(destinationPort)
        bytes += TestAddress.v4(source) + TestAddress.v4(destination)
        if littleEndianTime {
            bytes += withUnsafeBytes(of: seconds.littleEndian) { Array($0) }
            bytes += withUnsafeBytes(of: microseconds.littleEndian) { Array($0) }
            bytes += withUnsafeBytes(of: captureID.littleEndian) { Array($0) }
        } else {
            bytes += u32(seconds) + u32(microseconds) + u16(captureID)
        }
        return bytes + payload
    }
}
