/// A `sip:`, `sips:` or `tel:` URI taken apart (RFC 3261 §19.1, RFC 3966).
///
/// `sip:user:password@host:port;uri-parameters?headers`; `tel:+358-40-123;phone-context=…`.
/// Ranges refer to the message's bytes. The user part keeps any telephone-subscriber parameters
/// it carries (`+1555;npdi;rn=…`); ``SIPTelephoneNumber`` reads those.
///
/// Deliberately not handled: URI schemes other than these three (kept as ``Scheme/other`` with no
/// parts), IPv6 zone identifiers, and `%`-decoding of hosts.
package struct SIPURI: Hashable, Sendable {
    package enum Scheme: Hashable, Sendable {
        case sip, sips, tel, other
    }

    package var scheme: Scheme
    /// The whole URI.
    package var whole: Range<Int>
    /// The user part without a password (sip/sips), or the telephone number (tel). Nil when the
    /// URI has no user part (`sip:pbx.example.com`).
    package var user: Range<Int>?
    /// The host, with brackets for IPv6; empty for tel and other schemes.
    package var host: Range<Int>
    /// The port, when written.
    package var port: Int?
    /// The URI parameters, starting at the first `;` (sip) or after the number (tel); may be empty.
    package var parameters: Range<Int>
    /// The `?` headers of a sip URI, without the `?`; may be empty.
    package var headers: Range<Int>

    /// Parses the URI in `range`; nil when it has no scheme or a sip/sips URI has no host or a
    /// bad port.
    init?(_ bytes: Span<UInt8>, _ range: Range<Int>) {
        let whole = bytes.trimmingWhitespace(range)
        let colon = bytes.firstIndex(of: ASCII.colon, from: whole.lowerBound, to: whole.upperBound)
        guard colon < whole.upperBound, colon > whole.lowerBound else { return nil }
        let schemeRange = whole.lowerBound..<colon
        self.whole = whole
        self.user = nil
        self.host = whole.upperBound..<whole.upperBound
        self.port = nil
        self.parameters = whole.upperBound..<whole.upperBound
        self.headers = whole.upperBound..<whole.upperBound
        if bytes.equalsIgnoringCase(schemeRange, "sip") {
            scheme = .sip
        } else if bytes.equalsIgnoringCase(schemeRange, "sips") {
            scheme = .sips
        } else if bytes.equalsIgnoringCase(schemeRange, "tel") {
            scheme = .tel
            let numberEnd = bytes.firstIndex(of: ASCII.semicolon, from: colon + 1, to: whole.upperBound)
            user = (colon + 1)..<numberEnd
            parameters = numberEnd..<whole.upperBound
            return
        } else {
            for index in schemeRange where !ASCII.isTokenCharacter(bytes[index]) { return nil }
            scheme = .other
            return
        }

        var hostStart = colon + 1
        let at = bytes.firstIndex(of: ASCII.at, from: hostStart, to: whole.upperBound)
        if at < whole.upperBound {
            let passwordColon = bytes.firstIndex(of: ASCII.colon, from: hostStart, to: at)
            user = hostStart..<passwordColon
            hostStart = at + 1
        }
        var index = hostStart
        if index < whole.upperBound, bytes[index] == ASCII.openBracket {
            index = bytes.firstIndex(of: ASCII.closeBracket, from: index, to: whole.upperBound)
            guard index < whole.upperBound else { return nil }
            index += 1
        } else {
            // `whole` is clamped into the span (trimmingWhitespace), so the host is read unchecked.
            while index < whole.upperBound {
                let byte = bytes[unchecked: index]
                if byte == ASCII.colon || byte == ASCII.semicolon || byte == ASCII.questionMark
                    || ASCII.isWhitespace(byte)
                {
                    break
                }
                index += 1
            }
        }
        host = hostStart..<index
        guard !host.isEmpty else { return nil }
        if index < whole.upperBound, bytes[index] == ASCII.colon {
            let portStart = index + 1
            index = portStart
            while index < whole.upperBound, ASCII.isDigit(bytes[index]) { index += 1 }
            guard let port = bytes.decimalValue(portStart..<index, maximum: 65_535) else { return nil }
            self.port = port
        }
        let question = bytes.firstIndex(of: ASCII.questionMark, from: index, to: whole.upperBound)
        parameters = index..<question
        headers = Swift.min(question + 1, whole.upperBound)..<whole.upperBound
    }

    /// The first URI parameter called `name` (lower case).
    func parameter(_ bytes: Span<UInt8>, _ name: StaticString) -> SIPParameter? {
        SIPParameterList.find(bytes, parameters, name)
    }

    /// Whether the URI says `;user=phone` (the user part is a telephone number, RFC 3261 §19.1.1).
    func isUserPhone(_ bytes: Span<UInt8>) -> Bool {
        guard let value = parameter(bytes, "user")?.value else { return false }
        return bytes.equalsIgnoringCase(value, "phone")
    }
}
