/// Finds SIP message boundaries in a byte stream (TCP, RFC 3261 §18.3): the headers up to the first
/// empty line, then exactly Content-Length body bytes. Stateless: call it on the unconsumed bytes.
///
/// Content-Length is found by its full or compact name (`l`), case-insensitively; a message without
/// one has an empty body (mandatory on streams, but missing in the wild). Leading CR/LF bytes
/// (RFC 5626 keep-alives) are reported for skipping. Bare-LF line ends are accepted.
/// Deliberately not handled: a Content-Length folded onto a continuation line, and several
/// Content-Length headers (the first wins). The SIP parser may later replace this framer.
package enum SIPStreamFramer {
    package enum Frame: Equatable {
        /// Not enough bytes for a whole message yet.
        case needMoreBytes
        /// Keep-alive CR/LF bytes to step over.
        case skip(Int)
        /// One whole message of this many bytes starts at the beginning.
        case message(length: Int)
        /// The stream cannot be framed from here (headers or body over the bound, a bad Content-Length).
        case invalid(PacketDropReason)
    }

    /// The first frame at the start of `bytes`.
    /// - Parameter maxMessageBytes: the largest message (headers and body) accepted; a stream
    ///   without a message end within this many bytes is `.invalid(.tcpMessageTooLarge)`.
    package static func nextFrame(in bytes: UnsafeRawBufferPointer, maxMessageBytes: Int) -> Frame {
        var leading = 0
        while leading < bytes.count {
            let byte = bytes.uint8(at: leading)
            guard byte == 13 || byte == 10 else { break }
            leading += 1
        }
        if leading > 0 { return .skip(leading) }
        let limit = min(bytes.count, maxMessageBytes)
        var lineStart = 0
        var contentLength: Int?
        while true {
            var lineEnd = lineStart
            while lineEnd < limit && bytes.uint8(at: lineEnd) != 10 { lineEnd += 1 }
            guard lineEnd < limit else {
                return bytes.count >= maxMessageBytes ? .invalid(.tcpMessageTooLarge) : .needMoreBytes
            }
            let contentEnd = lineEnd > lineStart && bytes.uint8(at: lineEnd - 1) == 13 ? lineEnd - 1 : lineEnd
            if contentEnd == lineStart {
                let total = lineEnd + 1 + (contentLength ?? 0)
                if total > maxMessageBytes { return .invalid(.tcpMessageTooLarge) }
                return total <= bytes.count ? .message(length: total) : .needMoreBytes
            }
            if contentLength == nil && lineStart > 0 {
                switch contentLengthValue(bytes, line: lineStart..<contentEnd) {
                case .notContentLength: break
                case .value(let value): contentLength = value
                case .invalid: return .invalid(.tcpContentLengthInvalid)
                }
            }
            lineStart = lineEnd + 1
        }
    }

    private enum HeaderValue {
        case notContentLength
        case value(Int)
        case invalid
    }

    private static let contentLengthName: [UInt8] = Array("content-length".utf8)

    /// Reads `Content-Length: 123` or `l: 123` (any case, spaces or tabs around the colon).
    private static func contentLengthValue(_ bytes: UnsafeRawBufferPointer, line: Range<Int>) -> HeaderValue {
        var index = line.lowerBound
        let first = bytes.uint8(at: index) | 0x20
        if first == UInt8(ascii: "l") {
            index += 1
        } else if first == UInt8(ascii: "c") {
            guard line.count >= contentLengthName.count else { return .notContentLength }
            for expected in contentLengthName {
                guard bytes.uint8(at: index) | 0x20 == expected else { return .notContentLength }
                index += 1
            }
        } else {
            return .notContentLength
        }
        while index < line.upperBound && isBlank(bytes.uint8(at: index)) { index += 1 }
        guard index < line.upperBound, bytes.uint8(at: index) == UInt8(ascii: ":") else { return .notContentLength }
        index += 1
        while index < line.upperBound && isBlank(bytes.uint8(at: index)) { index += 1 }
        var value = 0
        var digits = 0
        while index < line.upperBound, bytes.uint8(at: index) &- 48 < 10 {
            value = value * 10 + Int(bytes.uint8(at: index) &- 48)
            digits += 1
            guard digits <= 9 else { return .invalid }
            index += 1
        }
        while index < line.upperBound && isBlank(bytes.uint8(at: index)) { index += 1 }
        return digits > 0 && index == line.upperBound ? .value(value) : .invalid
    }

    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
}
