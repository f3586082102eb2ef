/// One SCTP DATA chunk: its user data and where it belongs in its user message.
struct SCTPDataChunk {
    var transmissionSequence: UInt32
    var streamID: UInt16
    var isFirstFragment: Bool
    var isLastFragment: Bool
    var data: UnsafeRawBufferPointer
}

/// Reads the DATA chunks of one SCTP packet (RFC 9260 §3.3.1); other chunk types are stepped over.
///
/// Deliberately not handled: I-DATA chunks (RFC 8260) and the CRC32c checksum.
enum SCTPChunkReader {
    /// Calls `body` with each DATA chunk in `packet` (the SCTP common header included); stops at the
    /// first malformed chunk, counting it.
    static func forEachDataChunk(
        in packet: UnsafeRawBufferPointer, counters: inout PacketDecoderCounters,
        _ body: (SCTPDataChunk, inout PacketDecoderCounters) -> Void
    ) {
        guard packet.count >= 12 else {
            counters.count(.sctpTruncated)
            return
        }
        var offset = 12
        while offset + 4 <= packet.count {
            let type = packet.uint8(at: offset)
            let flags = packet.uint8(at: offset + 1)
            let length = Int(packet.bigEndianUInt16(at: offset + 2))
            guard length >= 4, offset + length <= packet.count else {
                counters.count(.sctpChunkInvalid)
                return
            }
            if type == 0 {
                guard length >= 16 else {
                    counters.count(.sctpChunkInvalid)
                    return
                }
                let chunk = SCTPDataChunk(
                    transmissionSequence: packet.bigEndianUInt32(at: offset + 4),
                    streamID: packet.bigEndianUInt16(at: offset + 8),
                    isFirstFragment: flags & 0x02 != 0, isLastFragment: flags & 0x01 != 0,
                    data: packet.slice((offset + 16)..<(offset + length)))
                body(chunk, &counters)
            }
            offset += (length + 3) & ~3
        }
    }
}
