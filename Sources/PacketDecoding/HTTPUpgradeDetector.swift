/// Recognises the HTTP handshake that turns a TCP connection into a WebSocket (RFC 6455 §4), the
/// way SIP over WebSocket (RFC 7118) starts.
///
/// Deliberately not handled: HTTP/2 extended CONNECT (RFC 8441) and TLS (wss), which a capture
/// cannot read anyway.
enum HTTPUpgradeDetector {
    enum Outcome: Equatable {
        case needMoreBytes
        /// The headers end after this many bytes and ask for (or grant) a WebSocket upgrade.
        case upgrade(headerLength: Int)
        case notUpgrade
    }

    /// `GET ` (a client's request) or `HTTP/1.` (a server's response) at the start.
    static func startsHTTP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 7 else { return false }
        let head = bytes.bigEndianUInt32(at: 0)
        if head == 0x4745_5420 { return true }  // "GET "
        return head == 0x4854_5450 && bytes.uint8(at: 4) == UInt8(ascii: "/") && bytes.uint8(at: 5) == UInt8(ascii: "1")
            && bytes.uint8(at: 6) == UInt8(ascii: ".")  // "HTTP/1."
    }

    private static let websocket: [UInt8] = Array("websocket".utf8)

    static func examine(_ bytes: UnsafeRawBufferPointer, maxHeaderBytes: Int) -> Outcome {
        let limit = min(bytes.count, maxHeaderBytes)
        var index = 0
        var headerEnd: Int?
        while index + 3 < limit {
            if bytes.uint8(at: index) == 13 && bytes.uint8(at: index + 1) == 10 && bytes.uint8(at: index + 2) == 13
                && bytes.uint8(at: index + 3) == 10
            {
                headerEnd = index + 4
                break
            }
            index += 1
        }
        guard let headerEnd else { return bytes.count >= maxHeaderBytes ? .notUpgrade : .needMoreBytes }
        return contains(websocket, in: bytes, before: headerEnd) ? .upgrade(headerLength: headerEnd) : .notUpgrade
    }

    /// Whether `needle` (lower case) occurs case-insensitively in the first `end` bytes.
    private static func contains(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, before end: Int) -> Bool {
        guard end >= needle.count else { return false }
        for start in 0...(end - needle.count) {
            var matched = true
            for (offset, expected) in needle.enumerated() where bytes.uint8(at: start + offset) | 0x20 != expected {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }
}
