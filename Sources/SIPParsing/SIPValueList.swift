/// Splits header values into elements at a separator that stands outside quoted strings (with
/// `\` escapes) and, for comma lists, outside angle brackets (RFC 3261 §7.3.1, §25.1).
///
/// Elements are trimmed; empty elements (`a,,b`) are skipped. An unterminated quote or bracket
/// runs to the end of the value, which then is one element.
///
/// Deliberately not handled: headers whose grammar uses commas *inside* an element without quotes
/// (Date, WWW-Authenticate's parameter list); never split those at commas.
enum SIPValueList {
    /// The elements of a comma-list value: `"Smith, Bob" <sip:a@b;x=1,2>, <tel:+44…>` is two.
    static func forEachElement(_ bytes: Span<UInt8>, _ value: Range<Int>, _ body: (Range<Int>) -> Void) {
        forEachElement(bytes, value, separator: ASCII.comma, outsideAngleBrackets: true, body)
    }

    /// The elements of `value` separated by `separator` outside quotes (and, when
    /// `outsideAngleBrackets`, outside `<…>`).
    static func forEachElement(
        _ bytes: Span<UInt8>, _ value: Range<Int>, separator: UInt8, outsideAngleBrackets: Bool,
        _ body: (Range<Int>) -> Void
    ) {
        let upper = Swift.min(value.upperBound, bytes.count)
        var index = Swift.max(value.lowerBound, 0)
        guard index <= upper else { return }
        var elementStart = index
        var inQuotes = false
        var inBrackets = false
        while index < upper {
            let byte = bytes[index]
            if inQuotes {
                if byte == ASCII.backslash {
                    index += 1
                } else if byte == ASCII.quote {
                    inQuotes = false
                }
            } else if byte == ASCII.quote {
                inQuotes = true
            } else if outsideAngleBrackets, byte == ASCII.lessThan {
                inBrackets = true
            } else if outsideAngleBrackets, byte == ASCII.greaterThan {
                inBrackets = false
            } else if byte == separator, !inBrackets {
                let element = bytes.trimmingWhitespace(elementStart..<index)
                if !element.isEmpty { body(element) }
                elementStart = index + 1
            }
            index += 1
        }
        let element = bytes.trimmingWhitespace(elementStart..<upper)
        if !element.isEmpty { body(element) }
    }
}
