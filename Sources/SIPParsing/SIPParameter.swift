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
            guard !stopped else { return }
            let equals = bytes.firstIndex(of: ASCII.equals, from: element.lowerBound, to: element.upperBound)
            let name = bytes.trimmingWhitespace(element.lowerBound..<equals)
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
            if !name.isEmpty, !body(SIPParameter(name: name, value: value)) { stopped = true }
        }
    }

    /// The first parameter called `name` (lower case), compared case-insensitively.
    static func find(_ bytes: Span<UInt8>, _ range: Range<Int>, _ name: StaticString) -> SIPParameter? {
        var found: SIPParameter?
        forEach(bytes, range) { parameter in
            if bytes.equalsIgnoringCase(parameter.name, name) {
                found = parameter
                return false
            }
            return true
        }
        return found
    }
}
