/// The message grammar of RFC 3261 §7 over bytes: start line, header rows (with obsolete line
/// folding), the blank line, and the body as Content-Length bounds it.
///
/// Deliberately lenient where real traffic is (bare LF line ends, a missing blank line at the
/// very end of a datagram, leading keep-alive CRLFs, blanks before the colon) and strict where a
/// mistake would change meaning (a bad start line, a header row without a name, conflicting or
/// non-numeric Content-Length, a body shorter than Content-Length — unless the caller is a passive
/// observer that asks to keep such a message: a snaplen cut or a truncated capture loses the end
/// of the body, not the headers that say who called, so it is kept and marked).
///
/// Deliberately not handled: multipart bodies and body content encodings (the body is one range),
/// header *values* (checked by the readers that need them), and stream framing (see
/// ``SIPStreamFramer``).
package enum SIPMessageParser {
    /// The largest message accepted (bytes). UDP datagrams are at most 64 KiB; a stream message
    /// with a larger body is not a call-control message worth reading.
    package static let maximumMessageLength = 1 << 20
    /// The most header rows (folded continuation lines not counted) a message may have.
    package static let maximumHeaderCount = 256

    /// Where the parts of one message are, relative to the parsed bytes.
    package struct Layout: Hashable, Sendable {
        /// Where the message starts (after leading keep-alive CRLFs).
        package var messageStart: Int
        package var startLine: SIPStartLine
        package var headers: [SIPHeaderField]
        /// The body; empty when there is none.
        package var body: Range<Int>
        /// The Content-Length value, nil when the message has none.
        package var contentLength: Int?
        /// The body is shorter than Content-Length (only with ``TruncatedBody/keep``).
        package var isBodyTruncated = false
    }

    /// What to do with a message whose body is shorter than its Content-Length.
    package enum TruncatedBody: Sendable {
        /// Refuse it (``SIPParseError/Code/bodyTruncated``): a proxy or a stream framer must.
        case reject
        /// Keep it with the bytes there are, marked ``Layout/isBodyTruncated``: a passive observer
        /// (capture, HEP) sees what was cut by a snaplen, and the headers are whole.
        case keep
    }

    /// Parses one whole message (a UDP datagram, a HEP payload, one framed stream message).
    /// - Parameter storage: an array whose storage the header rows are written into (emptied
    ///   first), so that a caller parsing one message after another need not allocate one per
    ///   message; a shared array is copied on write as usual.
    /// - Throws: ``SIPParseError`` naming what was wrong and where.
    package static func parse(
        _ bytes: Span<UInt8>, truncatedBody: TruncatedBody = .reject, headerStorage storage: consuming [SIPHeaderField] = []
    ) throws(SIPParseError) -> Layout {
        let end = bytes.count
        guard end <= maximumMessageLength else { throw SIPParseError(.messageTooLong, at: maximumMessageLength) }
        var index = 0
        while index < end, bytes[index] == ASCII.carriageReturn || bytes[index] == ASCII.lineFeed { index += 1 }
        guard index < end else { throw SIPParseError(.empty, at: index) }
        let messageStart = index

        let startLineBreak = bytes.firstIndex(of: ASCII.lineFeed, from: index, to: end)
        guard startLineBreak < end else { throw SIPParseError(.truncatedStartLine, at: end) }
        let startLine = try parseStartLine(bytes, index..<lineContentEnd(bytes, index, startLineBreak))
        index = startLineBreak + 1

        var headers = consume storage
        headers.removeAll(keepingCapacity: true)
        if headers.capacity < 16 { headers.reserveCapacity(16) }
        var bodyStart = end
        while index < end {
            let lineBreak = bytes.firstIndex(of: ASCII.lineFeed, from: index, to: end)
            let contentEnd = lineContentEnd(bytes, index, lineBreak)
            if contentEnd == index {
                bodyStart = Swift.min(lineBreak + 1, end)
                break
            }
            if ASCII.isBlank(bytes[index]) {
                guard !headers.isEmpty else { throw SIPParseError(.foldingWithoutHeader, at: index) }
                let continuation = bytes.trimmingWhitespace(index..<contentEnd)
                if !continuation.isEmpty {
                    let last = headers.count - 1
                    let valueStart = headers[last].value.isEmpty ? continuation.lowerBound : headers[last].value.lowerBound
                    headers[last].value = valueStart..<continuation.upperBound
                    headers[last].isFolded = true
                }
            } else {
                guard headers.count < maximumHeaderCount else { throw SIPParseError(.tooManyHeaders, at: index) }
                headers.append(try parseHeaderLine(bytes, index..<contentEnd))
            }
            index = lineBreak + 1
        }

        let contentLength = try contentLength(bytes, headers)
        var body = bodyStart..<end
        var isBodyTruncated = false
        if let contentLength {
            if contentLength <= end - bodyStart {
                body = bodyStart..<(bodyStart + contentLength)
            } else if truncatedBody == .keep {
                isBodyTruncated = true
            } else {
                throw SIPParseError(.bodyTruncated, at: end)
            }
        }
        return Layout(
            messageStart: messageStart, startLine: startLine, headers: headers, body: body,
            contentLength: contentLength, isBodyTruncated: isBodyTruncated)
    }

    /// The end of a line's content: the line break, less a CR just before it.
    @inline(__always)
    private static func lineContentEnd(_ bytes: Span<UInt8>, _ lineStart: Int, _ lineBreak: Int) -> Int {
        lineBreak > lineStart && lineBreak <= bytes.count && bytes[lineBreak - 1] == ASCII.carriageReturn
            ? lineBreak - 1 : lineBreak
    }

    // MARK: - Start line

    private static func parseStartLine(_ bytes: Span<UInt8>, _ line: Range<Int>) throws(SIPParseError) -> SIPStartLine {
        if bytes.hasPrefixIgnoringCase(line, "sip/") {
            return try parseStatusLine(bytes, line)
        }
        // METHOD SP Request-URI SP SIP-Version
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenCharacter(bytes[index]) { index += 1 }
        let methodRange = line.lowerBound..<index
        guard !methodRange.isEmpty, index < line.upperBound, bytes[index] == ASCII.space else {
            throw SIPParseError(.malformedRequestLine, at: index)
        }
        index += 1
        let uriStart = index
        while index < line.upperBound, !ASCII.isWhitespace(bytes[index]), bytes[index] > 0x20 {
            index += 1
        }
        let uri = uriStart..<index
        guard !uri.isEmpty, index < line.upperBound, bytes[index] == ASCII.space else {
            throw SIPParseError(.malformedRequestLine, at: index)
        }
        let version = bytes.trimmingWhitespace((index + 1)..<line.upperBound)
        guard bytes.hasPrefixIgnoringCase(version, "sip/") else {
            throw SIPParseError(.malformedRequestLine, at: index + 1)
        }
        guard bytes.equalsIgnoringCase(version, "sip/2.0") else {
            throw SIPParseError(.unsupportedVersion, at: version.lowerBound)
        }
        return .request(method: SIPMethod(bytes, methodRange), methodRange: methodRange, uri: uri)
    }

    private static func parseStatusLine(_ bytes: Span<UInt8>, _ line: Range<Int>) throws(SIPParseError) -> SIPStartLine {
        let versionEnd = bytes.firstIndex(of: ASCII.space, from: line.lowerBound, to: line.upperBound)
        guard bytes.equalsIgnoringCase(line.lowerBound..<versionEnd, "sip/2.0") else {
            throw SIPParseError(.unsupportedVersion, at: line.lowerBound)
        }
        var index = versionEnd
        while index < line.upperBound, bytes[index] == ASCII.space { index += 1 }
        let codeStart = index
        while index < line.upperBound, ASCII.isDigit(bytes[index]) { index += 1 }
        guard index - codeStart == 3 else { throw SIPParseError(.malformedStatusLine, at: codeStart) }
        guard index == line.upperBound || ASCII.isBlank(bytes[index]) else {
            throw SIPParseError(.malformedStatusLine, at: index)
        }
        let code =
            Int(bytes[codeStart] - 0x30) * 100 + Int(bytes[codeStart + 1] - 0x30) * 10 + Int(bytes[codeStart + 2] - 0x30)
        guard (100...699).contains(code) else { throw SIPParseError(.badStatusCode, at: codeStart) }
        return .response(statusCode: code, reason: bytes.trimmingWhitespace(index..<line.upperBound))
    }

    // MARK: - Headers

    @inline(__always)
    private static func parseHeaderLine(_ bytes: Span<UInt8>, _ line: Range<Int>) throws(SIPParseError) -> SIPHeaderField {
        var index = line.lowerBound
        while index < line.upperBound, ASCII.isTokenCharacter(bytes[index]) { index += 1 }
        let nameRange = line.lowerBound..<index
        while index < line.upperBound, ASCII.isBlank(bytes[index]) { index += 1 }
        guard !nameRange.isEmpty, index < line.upperBound, bytes[index] == ASCII.colon else {
            throw SIPParseError(.malformedHeaderLine, at: index)
        }
        return SIPHeaderField(
            name: SIPHeaderName(bytes, nameRange), nameRange: nameRange,
            value: bytes.trimmingWhitespace((index + 1)..<line.upperBound), isFolded: false)
    }

    /// The message's Content-Length; rows that disagree are an error (a request-smuggling shape).
    private static func contentLength(_ bytes: Span<UInt8>, _ headers: [SIPHeaderField]) throws(SIPParseError) -> Int? {
        var found: Int?
        for field in headers where field.name == .contentLength {
            guard let value = bytes.decimalValue(field.value, maximum: maximumMessageLength),
                found == nil || found == value
            else { throw SIPParseError(.badContentLength, at: field.value.lowerBound) }
            found = value
        }
        return found
    }
}
