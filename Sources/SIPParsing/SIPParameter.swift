/// One `;name[=value]` parameter of a URI or a header value.
package struct SIPParameter: Hashable, Sendable {
    package var name: Range<Int>
    /// The value without surrounding quotes; nil for a flag parameter (`;lr`).
    package var value: Range<Int>?

    package init(name: Range<Int>, value: Range<Int>?) {
        self.name = name
        self.value = value
    }
}

/// Reads `;name=value` parameter lists (RFC 3261 §19.1.1, §20.10 `generic-param`).
///
/// Names compare case-insensitively; values are returned as written (a quoted value without its
/// quotes; escapes inside it are not decoded). A `;` inside a quoted value does not split.
enum SIPParameterList {
    /// Calls `body` for each parameter in `range` (which may start with `;` or not) until it
    /// returns false.
    static func forEach(_ bytes: Span<UInt8>, _ range: Range<Int>, _ body: (SIPParameter) -> Bool) {
        var stopped = false
        SIPValueList.forEachElement(bytes, range, separator: ASCII.semicolon, outsideAngleBrackets: false) { element in
            guard !stopped, let parameter = parameter(bytes, element) else { return }
            if !body(parameter) { stopped = true }
        }
    }

    /// The first parameter called `name` (lower case), compared case-insensitively.
    ///
    /// The same elements as ``forEach(_:_:_:)`` (split at `;` outside quotes, trimmed, empty ones
    /// skipped), scanned in one loop without closures: every message's tags are found here.
    static func find(_ bytes: Span<UInt8>, _ range: Range<Int>, _ name: StaticString) -> SIPParameter? {
        let upper = Swift.min(range.upperBound, bytes.count)
        var index = Swift.max(range.lowerBound, 0)
        guard index <= upper else { return nil }
        var elementStart = index
        var inQuotes = false
        while true {
            let atEnd = index >= upper
            if !atEnd {
                // `upper` is clamped to the span and `index` is below it here.
                let byte = bytes[unchecked: index]
                if inQuotes {
                    if byte == ASCII.backslash {
                        index += 1
                    } else if byte == ASCII.quote {
                        inQuotes = false
                    }
                    index += 1
                    continue
                }
                if byte == ASCII.quote { inQuotes = true }
                if byte != ASCII.semicolon {
                    index += 1
                    continue
                }
            }
            let element = bytes.trimmingWhitespace(elementStart..<Swift.min(index, upper))
            if !element.isEmpty, let parameter = parameter(bytes, element),
                bytes.equalsIgnoringCase(parameter.name, name)
            {
                return parameter
            }
            if atEnd { return nil }
            index += 1
            elementStart = index
        }
    }

    /// One trimmed, non-empty element as a parameter; nil when its name is empty.
    @inline(__always)
    private static func parameter(_ bytes: Span<UInt8>, _ element: Range<Int>) -> SIPParameter? {
        let equals = bytes.firstIndex(of: ASCII.equals, from: element.lowerBound, to: element.upperBound)
        let name = bytes.trimmingWhitespace(element.lowerBound..<equals)
        guard !name.isEmpty else { return nil }
        var value: Range<Int>?
        if equals < element.upperBound {
            var valueRange = bytes.trimmingWhitespace((equals + 1)..<element.upperBound)
            if valueRange.count >= 2, bytes[valueRange.lowerBound] == ASCII.quote,
                bytes[valueRange.upperBound - 1] == ASCII.quote
            {
                valueRange = (valueRange.lowerBound + 1)..<(valueRange.upperBound - 1)
            }
            value = valueRange
        }
        return SIPParameter(name: name, value: value)
    }
}
