/// A cheap test whether bytes begin with a SIP start line, used to tell SIP from RTP, DNS and other
/// traffic on the same ports, and to find a message boundary when picking up a TCP stream midway.
///
/// A response is `SIP/2.0 ` and three digits; a request is an upper-case method token (3 to 32 of
/// `A-Z`, `-`, `_`), a space, and a first line (within 2,048 bytes) that ends in ` SIP/2.0`.
/// Deliberately not handled: lower-case or extension methods with digits, start lines longer than
/// 2,048 bytes (both legal, neither seen in practice).
package enum SIPStartLine {
    static let maxLineLength = 2_048

    package enum Verdict: Equatable {
        case sip
        case notSIP
        /// The bytes so far agree with a start line whose end has not arrived yet.
        case needMoreBytes
    }

    /// Whether `bytes` begin with a complete SIP start line.
    package static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        classify(bytes) == .sip
    }

    /// Whether `bytes` begin with a SIP start line, do not, or might once more bytes arrive (a
    /// stream's first segment can end inside the start line).
    package static func classify(_ bytes: UnsafeRawBufferPointer) -> Verdict {
        if bytes.count >= 4 && bytes.bigEndianUInt32(at: 0) == 0x5349_502f {  // "SIP/"
            guard bytes.count >= 12 else { return .needMoreBytes }
            guard bytes.uint8(at: 4) == UInt8(ascii: "2"), bytes.uint8(at: 5) == UInt8(ascii: "."),
                bytes.uint8(at: 6) == UInt8(ascii: "0"), bytes.uint8(at: 7) == UInt8(ascii: " "),
                isDigit(bytes.uint8(at: 8)), isDigit(bytes.uint8(at: 9)), isDigit(bytes.uint8(at: 10))
            else { return .notSIP }
            return .sip
        }
        var index = 0
        while index < bytes.count && index <= 32 && isMethodCharacter(bytes.uint8(at: index)) { index += 1 }
        if index == bytes.count { return index <= 32 ? .needMoreBytes : .notSIP }
        guard index >= 3, index <= 32, bytes.uint8(at: index) == UInt8(ascii: " ") else { return .notSIP }
        let limit = min(bytes.count, maxLineLength)
        var lineEnd = index + 1
        while lineEnd < limit {
            let byte = bytes.uint8(at: lineEnd)
            if byte == 13 || byte == 10 { break }
            lineEnd += 1
        }
        guard lineEnd < limit else { return bytes.count < maxLineLength ? .needMoreBytes : .notSIP }
        guard lineEnd >= index + 10 else { return .notSIP }
        return endsWithSIPVersion(bytes, at: lineEnd) ? .sip : .notSIP
    }

    /// ` SIP/2.0` just before `lineEnd` (the version compared case-insensitively, RFC 3261 §7.1).
    private static func endsWithSIPVersion(_ bytes: UnsafeRawBufferPointer, at lineEnd: Int) -> Bool {
        let start = lineEnd - 8
        return bytes.uint8(at: start) == UInt8(ascii: " ")
            && bytes.uint8(at: start + 1) | 0x20 == UInt8(ascii: "s")
            && bytes.uint8(at: start + 2) | 0x20 == UInt8(ascii: "i")
            && bytes.uint8(at: start + 3) | 0x20 == UInt8(ascii: "p")
            && bytes.uint8(at: start + 4) == UInt8(ascii: "/")
            && bytes.uint8(at: start + 5) == UInt8(ascii: "2")
            && bytes.uint8(at: start + 6) == UInt8(ascii: ".")
            && bytes.uint8(at: start + 7) == UInt8(ascii: "0")
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    @inline(__always)
    private static func isMethodCharacter(_ byte: UInt8) -> Bool {
        (byte &- 65 < 26) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
