/// Finds where one SIP message ends in a byte stream (TCP, TLS after decryption, SCTP without
/// message boundaries): headers up to the first blank line, then exactly Content-Length bytes
/// (RFC 3261 §18.3; protocols.md §6.5). Keep-alive CRLFs between messages (RFC 5626) are reported
/// so the caller can drop them.
///
/// The caller keeps the stream's unconsumed bytes and calls ``nextFrame(in:)`` until it answers
/// ``Frame/needMoreBytes``:
///
/// ```swift
/// while true {
///     switch try SIPStreamFramer.nextFrame(in: buffer.span) {
///     case .needMoreBytes: return
///     case .keepAlive(let length): buffer.removeFirst(length)
///     case .message(let length, _): deliver(buffer.prefix(length)); buffer.removeFirst(length)
///     }
/// }
/// ```
///
/// A message without Content-Length is taken to have no body (`hasContentLength` says so): a
/// stream cannot tell otherwise, and a lost sync is better than a stalled flow. After an error the
/// stream cannot be resynchronised; the caller drops the flow.
///
/// Deliberately not handled: WebSocket framing (RFC 7118 carries one message per WebSocket frame;
/// unwrap the frame first) and TLS.
package enum SIPStreamFramer {
    /// How far to look for the blank line that ends the headers before giving up on the stream.
    package static let maximumHeaderLength = 64 * 1024

    /// What the front of the stream holds.
    package enum Frame: Hashable, Sendable {
        /// No whole message yet: keep the bytes and wait for more.
        case needMoreBytes
        /// `length` bytes of CR/LF keep-alive to drop.
        case keepAlive(length: Int)
        /// One whole message in the first `length` bytes.
        case message(length: Int, hasContentLength: Bool)
    }

    /// Looks at the front of `bytes` (the stream's unconsumed bytes).
    /// - Parameter maximumLength: the largest whole message (headers and body) accepted; the
    ///   packet decoder passes its reassembly bound.
    /// - Throws: ``SIPParseError`` with `headersTooLong` when no blank line comes within
    ///   ``maximumHeaderLength`` bytes, `messageTooLong` when the message would be longer than
    ///   `maximumLength` (or no blank line comes within it), `badContentLength` for a bad or
    ///   conflicting Content-Length.
    package static func nextFrame(
        in bytes: Span<UInt8>, maximumLength: Int = SIPMessageParser.maximumMessageLength
    ) throws(SIPParseError) -> Frame {
        var leading = 0
        while leading < bytes.count, bytes[leading] == ASCII.carriageReturn || bytes[leading] == ASCII.lineFeed {
            leading += 1
        }
        if leading > 0 { return .keepAlive(length: leading) }
        guard !bytes.isEmpty else { return .needMoreBytes }

        let headerLimit = Swift.min(maximumHeaderLength, maximumLength)
        let searchLimit = Swift.min(bytes.count, headerLimit)
        var lineStart = 0
        var contentLength: Int?
        var isStartLine = true
        while true {
            let lineBreak = bytes.firstIndex(of: ASCII.lineFeed, from: lineStart, to: searchLimit)
            guard lineBreak < searchLimit else {
                if bytes.count >= headerLimit {
                    throw SIPParseError(headerLimit < maximumHeaderLength ? .messageTooLong : .headersTooLong, at: searchLimit)
                }
                return .needMoreBytes
            }
            let contentEnd =
                lineBreak > lineStart && bytes[lineBreak - 1] == ASCII.carriageReturn ? lineBreak - 1 : lineBreak
            if contentEnd == lineStart, !isStartLine {
                let headerEnd = lineBreak + 1
                let bodyLength = contentLength ?? 0
                guard bodyLength <= SIPMessageParser.maximumMessageLength - headerEnd else {
                    throw SIPParseError(.badContentLength, at: headerEnd)
                }
                let length = headerEnd + bodyLength
                guard length <= maximumLength else { throw SIPParseError(.messageTooLong, at: headerEnd) }
                return bytes.count >= length ? .message(length: length, hasContentLength: contentLength != nil) : .needMoreBytes
            }
            if !isStartLine, let value = contentLengthValue(bytes, lineStart..<contentEnd) {
                guard let parsed = bytes.decimalValue(value, maximum: SIPMessageParser.maximumMessageLength),
                    contentLength == nil || contentLength == parsed
                else { throw SIPParseError(.badContentLength, at: value.lowerBound) }
                contentLength = parsed
            }
            isStartLine = false
            lineStart = lineBreak + 1
        }
    }

    /// Looks at the front of the stream held in raw memory.
    package static func nextFrame(
        in bytes: UnsafeRawBufferPointer, maximumLength: Int = SIPMessageParser.maximumMessageLength
    ) throws(SIPParseError) -> Frame {
        try nextFrame(in: bytes.assumingMemoryBound(to: UInt8.self).span, maximumLength: maximumLength)
    }

    /// Looks at the front of the stream held in an array.
    package static func nextFrame(in bytes: [UInt8]) throws(SIPParseError) -> Frame {
        try nextFrame(in: bytes.span)
    }

    /// The value range of a `Content-Length` / `l` header line, nil for any other line.
    private static func contentLengthValue(_ bytes: Span<UInt8>, _ line: Range<Int>) -> Range<Int>? {
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenCharacter(bytes[index]) { index += 1 }
        let name = line.lowerBound..<index
        guard bytes.equalsIgnoringCase(name, "content-length") || bytes.equalsIgnoringCase(name, "l") else {
            return nil
        }
        while index < line.upperBound, ASCII.isBlank(bytes[index]) { index += 1 }
        guard index < line.upperBound, bytes[index] == ASCII.colon else { return nil }
        return (index + 1)..<line.upperBound
    }
}
