/// A cheap test whether bytes begin with a SIP start line, used by the packet decoder to tell SIP
/// from RTP, DNS and other traffic on the same ports, and to find a message boundary when picking
/// up a TCP stream midway. ``SIPMessageParser`` reads the start line fully; this only sniffs.
///
/// A response is `SIP/2.0 ` and three digits; a request is an upper-case method token (3 to 32 of
/// `A-Z`, `-`, `_`), a space, and a first line (within 2,048 bytes) that ends in ` SIP/2.0`.
/// Deliberately not handled: lower-case or extension methods with digits, start lines longer than
/// 2,048 bytes (both legal, neither seen in practice).
extension SIPStartLine {
    static let maximumSniffedLineLength = 2_048

    package enum Verdict: Equatable, Sendable {
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
        classify(bytes.assumingMemoryBound(to: UInt8.self).span)
    }

    /// See ``classify(_:)-(UnsafeRawBufferPointer)``.
    package static func classify(_ bytes: Span<UInt8>) -> Verdict {
        if bytes.count >= 4 && bytes[0] == 0x53 && bytes[1] == 0x49 && bytes[2] == 0x50 && bytes[3] == ASCII.slash {
            guard bytes.count >= 12 else { return .needMoreBytes }
            guard bytes[4] == UInt8(ascii: "2"), bytes[5] == ASCII.dot, bytes[6] == UInt8(ascii: "0"),
                bytes[7] == ASCII.space, ASCII.isDigit(bytes[8]), ASCII.isDigit(bytes[9]), ASCII.isDigit(bytes[10])
            else { return .notSIP }
            return .sip
        }
        var index = 0
        while index < bytes.count && index <= 32 && isMethodCharacter(bytes[index]) { index += 1 }
        if index == bytes.count { return index <= 32 ? .needMoreBytes : .notSIP }
        guard index >= 3, index <= 32, bytes[index] == ASCII.space else { return .notSIP }
        let limit = Swift.min(bytes.count, maximumSniffedLineLength)
        var lineEnd = index + 1
        while lineEnd < limit {
            let byte = bytes[lineEnd]
            if byte == ASCII.carriageReturn || byte == ASCII.lineFeed { break }
            lineEnd += 1
        }
        guard lineEnd < limit else { return bytes.count < maximumSniffedLineLength ? .needMoreBytes : .notSIP }
        guard lineEnd >= index + 10 else { return .notSIP }
        return endsWithSIPVersion(bytes, at: lineEnd) ? .sip : .notSIP
    }

    /// ` SIP/2.0` just before `lineEnd` (the version compared case-insensitively, RFC 3261 §7.1).
    private static func endsWithSIPVersion(_ bytes: Span<UInt8>, at lineEnd: Int) -> Bool {
        let start = lineEnd - 8
        return bytes[start] == ASCII.space
            && bytes[start + 1] | 0x20 == UInt8(ascii: "s")
            && bytes[start + 2] | 0x20 == UInt8(ascii: "i")
            && bytes[start + 3] | 0x20 == UInt8(ascii: "p")
            && bytes[start + 4] == ASCII.slash
            && bytes[start + 5] == UInt8(ascii: "2")
            && bytes[start + 6] == ASCII.dot
            && bytes[start + 7] == UInt8(ascii: "0")
    }

    @inline(__always)
    private static func isMethodCharacter(_ byte: UInt8) -> Bool {
        (byte &- 65 < 26) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
