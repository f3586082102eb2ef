/// Decodes HEPv3 (chunks) and HEPv1/v2 (fixed headers) packets, checking every length before it
/// is used: a packet is decoded completely or rejected with the reason, never half-read.
///
/// HEPv3 rules: the header's total length must equal the bytes given (one packet per datagram;
/// a stream reader frames with ``HEPDecoder/packetLength(in:)`` first); every chunk is at least
/// 6 bytes and lies inside the packet; fixed-size generic chunks must have their exact size
/// (capture id: 2 or 4 bytes); chunks of other vendors and unknown types are skipped.
/// HEPv2 rules: the header length must match the address family; the time header's byte order
/// is detected (Kamailio writes it little-endian, other agents big-endian).
/// Deliberately not handled: HEPv3 chunks beyond 0x0013 (skipped), and checking that an IPv4
/// family came with IPv4 address chunks (whichever addresses are present are taken).
package enum HEPDecoder {
    /// Decodes one packet of any version.
    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(HEPDecodingError) -> HEPPacket {
        guard bytes.count >= 4 else { throw HEPDecodingError(.hepTruncated) }
        if bytes.bigEndianUInt32(at: 0) == 0x4845_5033 { return try decodeVersion3(bytes) }
        let version = bytes.uint8(at: 0)
        guard version == 1 || version == 2 else { throw HEPDecodingError(.hepVersionUnsupported) }
        return try decodeVersion2(bytes)
    }

    /// Decodes one packet from an array.
    package static func decode(_ bytes: [UInt8]) throws(HEPDecodingError) -> HEPPacket {
        do {
            return try bytes.withUnsafeBytes { buffer in try decode(buffer) }
        } catch let error as HEPDecodingError {
            throw error
        } catch {
            throw HEPDecodingError(.hepTruncated)
        }
    }

    /// The length of the HEPv3 packet at the start of a byte stream (HEP over TCP), or nil when
    /// fewer than 6 bytes are there or they are not a HEPv3 header.
    package static func packetLength(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 6, bytes.bigEndianUInt32(at: 0) == 0x4845_5033 else { return nil }
        return Int(bytes.bigEndianUInt16(at: 4))
    }

    /// Whether bytes start like a HEPv3 packet ("HEP3").
    package static func isVersion3(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes.bigEndianUInt32(at: 0) == 0x4845_5033
    }

    private static func decodeVersion3(_ bytes: UnsafeRawBufferPointer) throws(HEPDecodingError) -> HEPPacket {
        guard bytes.count >= 6 else { throw HEPDecodingError(.hepTruncated) }
        let total = Int(bytes.bigEndianUInt16(at: 4))
        guard total == bytes.count else { throw HEPDecodingError(.hepLengthMismatch) }
        var packet = HEPPacket(version: 3)
        var offset = 6
        while offset < total {
            guard offset + 6 <= total else { throw HEPDecodingError(.hepChunkTruncated) }
            let vendor = bytes.bigEndianUInt16(at: offset)
            let type = bytes.bigEndianUInt16(at: offset + 2)
            let length = Int(bytes.bigEndianUInt16(at: offset + 4))
            guard length >= 6 else { throw HEPDecodingError(.hepChunkLengthInvalid) }
            guard offset + length <= total else { throw HEPDecodingError(.hepChunkTruncated) }
            if vendor == 0 {
                try readChunk(type: type, value: (offset + 6)..<(offset + length), in: bytes, into: &packet)
            }
            offset += length
        }
        return packet
    }

    private static func readChunk(
        type: UInt16, value: Range<Int>, in bytes: UnsafeRawBufferPointer, into packet: inout HEPPacket
    ) throws(HEPDecodingError) {
        func require(_ size: Int) throws(HEPDecodingError) {
            guard value.count == size else { throw HEPDecodingError(.hepChunkValueInvalid) }
        }
        let start = value.lowerBound
        switch type {
        case 0x0001:
            try require(1)
            packet.addressFamily = bytes.uint8(at: start)
        case 0x0002:
            try require(1)
            packet.ipProtocol = bytes.uint8(at: start)
        case 0x0003:
            try require(4)
            packet.sourceAddress = .v4(in: bytes, at: start)
        case 0x0004:
            try require(4)
            packet.destinationAddress = .v4(in: bytes, at: start)
        case 0x0005:
            try require(16)
            packet.sourceAddress = .v6(in: bytes, at: start)
        case 0x0006:
            try require(16)
            packet.destinationAddress = .v6(in: bytes, at: start)
        case 0x0007:
            try require(2)
            packet.sourcePort = bytes.bigEndianUInt16(at: start)
        case 0x0008:
            try require(2)
            packet.destinationPort = bytes.bigEndianUInt16(at: start)
        case 0x0009:
            try require(4)
            packet.timestampSeconds = bytes.bigEndianUInt32(at: start)
        case 0x000a:
            try require(4)
            let microseconds = bytes.bigEndianUInt32(at: start)
            guard microseconds < 1_000_000 else { throw HEPDecodingError(.hepChunkValueInvalid) }
            packet.timestampMicroseconds = microseconds
        case 0x000b:
            try require(1)
            packet.protocolType = bytes.uint8(at: start)
        case 0x000c:
            if value.count == 2 {
                packet.captureID = UInt32(bytes.bigEndianUInt16(at: start))
            } else {
                try require(4)
                packet.captureID = bytes.bigEndianUInt32(at: start)
            }
        case 0x000d:
            try require(2)
            packet.keepAliveTimer = bytes.bigEndianUInt16(at: start)
        case 0x000e:
            packet.authKey = value
        case 0x000f:
            packet.payload = value
            packet.payloadIsCompressed = false
        case 0x0010:
            packet.payload = value
            packet.payloadIsCompressed = true
        case 0x0011:
            packet.correlationID = value
        case 0x0012:
            try require(2)
            packet.vlanID = bytes.bigEndianUInt16(at: start)
        case 0x0013:
            packet.nodeName = value
        default:
            break
        }
    }

    private static func decodeVersion2(_ bytes: UnsafeRawBufferPointer) throws(HEPDecodingError) -> HEPPacket {
        guard bytes.count >= 8 else { throw HEPDecodingError(.hepTruncated) }
        var packet = HEPPacket(version: bytes.uint8(at: 0))
        let headerLength = Int(bytes.uint8(at: 1))
        let family = bytes.uint8(at: 2)
        packet.addressFamily = family
        packet.ipProtocol = bytes.uint8(at: 3)
        packet.sourcePort = bytes.bigEndianUInt16(at: 4)
        packet.destinationPort = bytes.bigEndianUInt16(at: 6)
        switch (family, headerLength) {
        case (2, 16):
            guard bytes.count >= 16 else { throw HEPDecodingError(.hepTruncated) }
            packet.sourceAddress = .v4(in: bytes, at: 8)
            packet.destinationAddress = .v4(in: bytes, at: 12)
        case (10, 40):
            guard bytes.count >= 40 else { throw HEPDecodingError(.hepTruncated) }
            packet.sourceAddress = .v6(in: bytes, at: 8)
            packet.destinationAddress = .v6(in: bytes, at: 24)
        default:
            throw HEPDecodingError(.hepChunkValueInvalid)
        }
        var payloadStart = headerLength
        if packet.version == 2 {
            guard bytes.count >= headerLength + 10 else { throw HEPDecodingError(.hepTruncated) }
            readTimeHeader(bytes, at: headerLength, into: &packet)
            payloadStart += 10
        }
        packet.payload = payloadStart..<bytes.count
        packet.protocolType = 1
        return packet
    }

    /// `tv_sec`, `tv_usec`, `capture_id`: little-endian unless only the big-endian reading gives a
    /// valid microsecond count, or both do and only the big-endian seconds fall in 2001–2106.
    private static func readTimeHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int, into packet: inout HEPPacket) {
        let littleMicroseconds = bytes.littleEndianUInt32(at: offset + 4)
        let bigMicroseconds = bytes.bigEndianUInt32(at: offset + 4)
        let plausibleSeconds: ClosedRange<UInt32> = 1_000_000_000...UInt32.max
        let littleFits = littleMicroseconds < 1_000_000
            && (bigMicroseconds >= 1_000_000 || plausibleSeconds.contains(bytes.littleEndianUInt32(at: offset))
                || !plausibleSeconds.contains(bytes.bigEndianUInt32(at: offset)))
        if littleFits || bigMicroseconds >= 1_000_000 {
            packet.timestampSeconds = bytes.littleEndianUInt32(at: offset)
            packet.timestampMicroseconds = littleMicroseconds < 1_000_000 ? littleMicroseconds : 0
            packet.captureID = UInt32(bytes.littleEndianUInt16(at: offset + 8))
        } else {
            packet.timestampSeconds = bytes.bigEndianUInt32(at: offset)
            packet.timestampMicroseconds = bigMicroseconds
            packet.captureID = UInt32(bytes.bigEndianUInt16(at: offset + 8))
        }
    }
}
