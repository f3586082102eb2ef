/// Why some bytes are not a SIP message.
///
/// A few machine words, no strings and no message content (SIP carries personal data), so that a
/// flood of garbage costs no more than a flood of good messages. ``description`` builds the text
/// only when asked.
package struct SIPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    package enum Code: String, Hashable, Sendable, CaseIterable {
        /// No bytes, or only keep-alive line breaks.
        case empty
        /// Longer than ``SIPMessageParser/maximumMessageLength``.
        case messageTooLong = "message-too-long"
        /// The start line has no line break, or is longer than the message allows.
        case truncatedStartLine = "truncated-start-line"
        /// A request line that is not `METHOD SP Request-URI SP SIP/2.0`.
        case malformedRequestLine = "malformed-request-line"
        /// A status line that is not `SIP/2.0 SP 3DIGIT SP Reason-Phrase`.
        case malformedStatusLine = "malformed-status-line"
        /// A status code outside 100...699.
        case badStatusCode = "bad-status-code"
        /// A protocol version other than `SIP/2.0`.
        case unsupportedVersion = "unsupported-version"
        /// A header line without a `token :` name, or with bytes that cannot start a header.
        case malformedHeaderLine = "malformed-header-line"
        /// A continuation line (starting with SP/HTAB) before any header.
        case foldingWithoutHeader = "folding-without-header"
        /// More than ``SIPMessageParser/maximumHeaderCount`` header lines.
        case tooManyHeaders = "too-many-headers"
        /// A Content-Length that is not a decimal number, is too large, or differs between rows.
        case badContentLength = "bad-content-length"
        /// Content-Length promises more body than the message holds (RFC 3261 §18.3: malformed on UDP).
        case bodyTruncated = "body-truncated"
        /// A stream's headers do not end within ``SIPStreamFramer/maximumHeaderLength`` bytes.
        case headersTooLong = "headers-too-long"
    }

    package var code: Code
    /// The 0-based offset in the message where the problem was found.
    package var byteOffset: Int

    package init(_ code: Code, at byteOffset: Int) {
        self.code = code
        self.byteOffset = byteOffset
    }

    /// `malformed-header-line (byte 212)`.
    package var description: String { "\(code.rawValue) (byte \(byteOffset))" }
}
