/// A `From`/`To`/`P-Asserted-Identity`-style value: `[display-name] <URI>;params` or a bare
/// `URI;params` (RFC 3261 §20.10, §25.1 `name-addr` / `addr-spec`).
///
/// Without angle brackets every `;param` belongs to the header, not the URI (so `tag` is found
/// either way). The display name may be a quoted string with `\` escapes or a run of tokens.
package struct SIPNameAddress: Hashable, Sendable {
    /// The display name: inside the quotes for a quoted string, the tokens otherwise; nil when absent.
    package var displayName: Range<Int>?
    /// Whether ``displayName`` was a quoted string (its `\` escapes are then decoded by
    /// ``displayNameText(_:)``).
    package var displayNameIsQuoted: Bool
    package var uri: SIPURI
    /// The header parameters after the URI (`;tag=…;privacy=…`), may be empty.
    package var parameters: Range<Int>

    /// Parses the value in `range`; nil when it holds no URI, a quote or bracket is not closed,
    /// or the URI does not parse.
    init?(_ bytes: Span<UInt8>, _ range: Range<Int>) {
        guard let outline = Outline(bytes, range), let uri = SIPURI(bytes, outline.uri) else { return nil }
        self.displayName = outline.displayName
        self.displayNameIsQuoted = outline.displayNameIsQuoted
        self.uri = uri
        self.parameters = outline.parameters
    }

    /// The header parameters of the value in `range` when it parses as a name-addr (exactly when
    /// ``init(_:_:)`` would succeed), nil otherwise; builds nothing else. For the readers that only
    /// want a tag.
    static func parameters(_ bytes: Span<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        guard let outline = Outline(bytes, range), SIPURI(bytes, outline.uri) != nil else { return nil }
        return outline.parameters
    }

    /// Where the parts of a name-addr or addr-spec are, before the URI is taken apart.
    private struct Outline {
        var displayName: Range<Int>?
        var displayNameIsQuoted = false
        var uri: Range<Int>
        var parameters: Range<Int>

        init?(_ bytes: Span<UInt8>, _ range: Range<Int>) {
            let value = bytes.trimmingWhitespace(range)
            guard !value.isEmpty else { return nil }
            displayName = nil
            var index = value.lowerBound
            // `value` is clamped into the span (trimmingWhitespace), so its bytes are read unchecked
            // wherever the index is below its upper bound.
            if bytes[unchecked: index] == ASCII.quote {
                let open = index
                index += 1
                while index < value.upperBound, bytes[unchecked: index] != ASCII.quote {
                    index += bytes[unchecked: index] == ASCII.backslash ? 2 : 1
                }
                guard index < value.upperBound else { return nil }
                displayName = (open + 1)..<index
                displayNameIsQuoted = true
                index += 1
                while index < value.upperBound, ASCII.isWhitespace(bytes[index]) { index += 1 }
                guard index < value.upperBound, bytes[index] == ASCII.lessThan else { return nil }
            } else {
                while index < value.upperBound {
                    let byte = bytes[unchecked: index]
                    if byte == ASCII.lessThan || byte == ASCII.semicolon || byte == ASCII.comma || byte == ASCII.quote {
                        break
                    }
                    index += 1
                }
                if index < value.upperBound, bytes[index] == ASCII.lessThan {
                    let tokens = bytes.trimmingWhitespace(value.lowerBound..<index)
                    if !tokens.isEmpty { displayName = tokens }
                } else {
                    // addr-spec: the URI runs to the first ';', everything after is header parameters.
                    let semicolon = bytes.firstIndex(of: ASCII.semicolon, from: value.lowerBound, to: value.upperBound)
                    uri = value.lowerBound..<semicolon
                    parameters = semicolon..<value.upperBound
                    return
                }
            }
            let close = bytes.firstIndex(of: ASCII.greaterThan, from: index + 1, to: value.upperBound)
            guard close < value.upperBound else { return nil }
            uri = (index + 1)..<close
            parameters = (close + 1)..<value.upperBound
        }
    }

    /// The first header parameter called `name` (lower case).
    func parameter(_ bytes: Span<UInt8>, _ name: StaticString) -> SIPParameter? {
        SIPParameterList.find(bytes, parameters, name)
    }

    /// The `tag` parameter's value; nil when absent or empty.
    package func tag(in message: SIPMessage) -> Range<Int>? { message.tag(inParameters: parameters) }

    /// The display name as text (quoted-pair escapes decoded); nil when absent or empty.
    func displayNameText(_ bytes: Span<UInt8>) -> String? {
        guard let range = displayName, !range.isEmpty else { return nil }
        guard displayNameIsQuoted,
            bytes.firstIndex(of: ASCII.backslash, from: range.lowerBound, to: range.upperBound) < range.upperBound
        else {
            let text = bytes.string(range)
            return text.isEmpty ? nil : text
        }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == ASCII.backslash, index + 1 < range.upperBound { index += 1 }
            unescaped.append(bytes[index])
            index += 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }
}
