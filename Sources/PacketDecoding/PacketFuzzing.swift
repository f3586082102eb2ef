import CallModel

/// libFuzzer entry points (see `scripts/fuzz-packets`): each takes arbitrary bytes and runs them
/// through the decoders; any trap, overflow or out-of-bounds access is a bug.
package enum PacketFuzzing {
    /// Small bounds, so a short input reaches every "table full" and "too large" path.
    static let configuration = PacketDecoderConfiguration(
        fragments: FragmentReassemblyLimits(maxDatagramsInFlight: 4, maxBytesInFlight: 16_384, timeout: .seconds(2)),
        tcp: TCPReassemblyLimits(
            maxFlows: 4, maxOutOfOrderSegmentsPerFlow: 3, maxOutOfOrderBytesPerFlow: 4_096, maxMessageBytes: 8_192,
            maxBufferedBytesTotal: 16_384, idleTimeout: .seconds(3)))

    static let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .rawDLT, .ipv4, .ipv6, .null, .loop]

    /// Frame input: byte 0 picks the link type; then frames, each behind a 2-byte big-endian
    /// length (a length past the end takes the rest). All frames go through one decoder, one
    /// second of capture time apart, so reassembly state, timeouts and sweeps are exercised.
    /// - Returns: the number of SIP payloads found (so the work cannot be optimised away).
    @discardableResult
    package static func decodeFrames(_ data: UnsafeRawBufferPointer) -> Int {
        guard data.count >= 1 else { return 0 }
        let linkType = linkTypes[Int(data.uint8(at: 0)) % linkTypes.count]
        var decoder = PacketDecoder(configuration: configuration)
        var output: [SIPPayload] = []
        var offset = 1
        var frameNumber: UInt64 = 0
        while offset < data.count {
            var length = data.count - offset
            if offset + 2 <= data.count {
                length = min(Int(data.bigEndianUInt16(at: offset)), data.count - offset - 2)
                offset += 2
            }
            frameNumber += 1
            decoder.decode(
                frame: data.slice(offset..<(offset + length)), linkType: linkType,
                timestamp: Timestamp(secondsSinceEpoch: Int64(frameNumber)), frameNumber: frameNumber, into: &output)
            offset += length
        }
        decoder.sweep(now: Timestamp(secondsSinceEpoch: Int64(frameNumber) + 3_600))
        return output.count
    }

    /// HEP input: the bytes as one HEP packet and, when that decodes, as a SIP payload; also
    /// straight through the inflater, the stream framer and the start-line sniffer.
    @discardableResult
    package static func decodeHEP(_ data: UnsafeRawBufferPointer) -> Int {
        var found = 0
        if let packet = try? HEPDecoder.decode(data),
            let payload = try? packet.sipPayload(from: data, fallbackTimestamp: Timestamp(secondsSinceEpoch: 0))
        {
            found += payload.bytes.count
            _ = packet.authKeyMatches([1, 2, 3], in: data)
        }
        found += Inflater.inflate(data, maxOutputBytes: 65_536)?.count ?? 0
        if case .message(let length) = SIPStreamFramer.nextFrame(in: data, maxMessageBytes: 8_192) { found += length }
        if SIPStartLine.matches(data) { found += 1 }
        return found
    }
}
