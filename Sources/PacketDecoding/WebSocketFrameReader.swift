/// One WebSocket frame header (RFC 6455 §5.2) at the start of a byte stream.
///
/// Deliberately not handled: permessage-deflate (frames with RSV bits are reported, and the
/// caller skips them) and payloads over the caller's bound.
enum WebSocketFrameReader {
    struct Header: Equatable {
        var fin: Bool
        var opcode: UInt8
        var reservedBits: UInt8
        /// The payload's position from the frame's start.
        var payload: Range<Int>
        var maskKey: UInt32?
    }

    enum Outcome: Equatable {
        case needMoreBytes
        case frame(Header)
        case invalid
    }

    static func nextFrame(in bytes: UnsafeRawBufferPointer, maxPayloadBytes: Int) -> Outcome {
        guard bytes.count >= 2 else { return .needMoreBytes }
        let first = bytes.uint8(at: 0)
        let second = bytes.uint8(at: 1)
        let masked = second & 0x80 != 0
        var offset = 2
        var length = Int(second & 0x7f)
        if length == 126 {
            guard bytes.count >= 4 else { return .needMoreBytes }
            length = Int(bytes.bigEndianUInt16(at: 2))
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .needMoreBytes }
            let wide = bytes.bigEndianUInt64(at: 2)
            guard wide <= UInt64(maxPayloadBytes) else { return .invalid }
            length = Int(wide)
            offset = 10
        }
        guard length <= maxPayloadBytes else { return .invalid }
        var maskKey: UInt32?
        if masked {
            guard bytes.count >= offset + 4 else { return .needMoreBytes }
            maskKey = bytes.bigEndianUInt32(at: offset)
            offset += 4
        }
        guard bytes.count >= offset + length else { return .needMoreBytes }
        return .frame(
            Header(
                fin: first & 0x80 != 0, opcode: first & 0x0f, reservedBits: first & 0x70,
                payload: offset..<(offset + length), maskKey: maskKey))
    }

    /// The payload with the client's mask removed.
    static func unmasked(_ payload: UnsafeRawBufferPointer, key: UInt32) -> [UInt8] {
        var bytes = [UInt8](payload)
        for index in bytes.indices {
            bytes[index] ^= UInt8(truncatingIfNeeded: key >> (UInt32(3 - index % 4) * 8))
        }
        return bytes
    }
}
