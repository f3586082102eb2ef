/// A small, strict JSON reader for one line holding one object (RFC 8259), without Foundation.
///
/// It walks the top-level object member by member: keys and string values come back as validated
/// ``JSONStringToken``s (decoded only when asked), numbers as exact ``JSONNumber``s, and nested
/// objects and arrays are checked and skipped up to ``maximumDepth`` levels. Every index is
/// checked; any byte sequence gives a value or a ``CDRLineError``, never a trap.
/// Deliberately not handled: top-level values other than an object, numbers with more than 19
/// significant digits at full precision (see ``JSONNumber``), and duplicate-key policy (the
/// caller decides).
struct JSONScanner {
    /// The deepest nesting accepted; the top-level object is level 1.
    static let maximumDepth = 32

    let bytes: UnsafeRawBufferPointer
    private(set) var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Consumes the opening `{` of the top-level object.
    mutating func openObject() throws(CDRLineError) {
        skipWhitespace()
        guard bytes.byte(at: index) == ASCII.openBrace else { throw failure(.badJSON) }
        index += 1
    }

    /// The next member's key with its `:` consumed, or nil at the closing `}`.
    /// `isFirst` tracks whether a `,` must come first; start with true.
    mutating func nextKey(isFirst: inout Bool) throws(CDRLineError) -> JSONStringToken? {
        skipWhitespace()
        if bytes.byte(at: index) == ASCII.closeBrace, isFirst {
            index += 1
            return nil
        }
        if !isFirst {
            switch bytes.byte(at: index) {
            case ASCII.closeBrace:
                index += 1
                return nil
            case ASCII.comma:
                index += 1
                skipWhitespace()
            default:
                throw failure(.badJSON)
            }
        }
        isFirst = false
        let key = try scanString()
        skipWhitespace()
        guard bytes.byte(at: index) == ASCII.colon else { throw failure(.badJSON) }
        index += 1
        return key
    }

    /// The value of the member whose key was just read (a member of the top-level object).
    mutating func value() throws(CDRLineError) -> JSONValue {
        skipWhitespace()
        return try scanValue(depth: 2)
    }

    /// Checks that nothing but whitespace follows the top-level object.
    mutating func finish() throws(CDRLineError) {
        skipWhitespace()
        guard index == bytes.count else { throw failure(.badJSON) }
    }

    /// The decoded text of a validated string token.
    func string(_ token: JSONStringToken) -> String {
        guard token.hasEscapes else { return bytes.string(from: token.start, to: token.end) }
        return String(decoding: decodedBytes(token), as: UTF8.self)
    }

    /// The decoded UTF-8 bytes of a validated string token.
    func decodedBytes(_ token: JSONStringToken) -> [UInt8] {
        var output: [UInt8] = []
        guard token.start >= 0, token.start <= token.end, token.end <= bytes.count else { return output }
        output.reserveCapacity(token.end - token.start)
        var position = token.start
        while position < token.end {
            let byte = bytes[position]
            guard byte == ASCII.backslash, let escaped = bytes.byte(at: position + 1) else {
                output.append(byte)
                position += 1
                continue
            }
            position += 2
            switch escaped {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(ASCII.lineFeed)
            case UInt8(ascii: "r"): output.append(ASCII.carriageReturn)
            case UInt8(ascii: "t"): output.append(ASCII.tab)
            case UInt8(ascii: "u"):
                var scalarValue = hexQuad(at: position) ?? 0xFFFD
                position += 4
                if (0xD800...0xDBFF).contains(scalarValue), let low = hexQuad(at: position + 2) {
                    scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                }
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                UTF8.encode(scalar) { output.append($0) }
            default: output.append(escaped)  // " \ /
            }
        }
        return output
    }

    /// Whether the token's decoded text is exactly `literal`.
    func token(_ token: JSONStringToken, equals literal: String) -> Bool {
        if token.hasEscapes { return string(token) == literal }
        var literal = literal
        return literal.withUTF8 { utf8 in
            guard utf8.count == token.end - token.start else { return false }
            for offset in 0..<utf8.count where bytes[token.start + offset] != utf8[offset] { return false }
            return true
        }
    }

    // MARK: - Scanning

    private func failure(_ code: CDRLineError.Code) -> CDRLineError {
        CDRLineError(code, byteOffset: index)
    }

    private mutating func skipWhitespace() {
        while let byte = bytes.byte(at: index),
            byte == ASCII.space || byte == ASCII.tab || byte == ASCII.lineFeed || byte == ASCII.carriageReturn
        {
            index += 1
        }
    }

    private mutating func scanValue(depth: Int) throws(CDRLineError) -> JSONValue {
        guard let byte = bytes.byte(at: index) else { throw failure(.badJSON) }
        switch byte {
        case ASCII.quote: return .string(try scanString())
        case ASCII.minus, ASCII.zero...ASCII.nine: return .number(try scanNumber())
        case UInt8(ascii: "t"):
            try scanLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try scanLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            return .null
        case ASCII.openBrace, ASCII.openBracket:
            try skipContainer(depth: depth)
            return .nested
        default: throw failure(.badJSON)
        }
    }

    private mutating func skipContainer(depth: Int) throws(CDRLineError) {
        guard depth <= Self.maximumDepth else { throw failure(.nestingTooDeep) }
        let isObject = bytes.byte(at: index) == ASCII.openBrace
        let close = isObject ? ASCII.closeBrace : ASCII.closeBracket
        index += 1
        skipWhitespace()
        if bytes.byte(at: index) == close {
            index += 1
            return
        }
        while true {
            if isObject {
                _ = try scanString()
                skipWhitespace()
                guard bytes.byte(at: index) == ASCII.colon else { throw failure(.badJSON) }
                index += 1
                skipWhitespace()
            }
            _ = try scanValue(depth: depth + 1)
            skipWhitespace()
            switch bytes.byte(at: index) {
            case ASCII.comma:
                index += 1
                skipWhitespace()
            case close:
                index += 1
                return
            default:
                throw failure(.badJSON)
            }
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) throws(CDRLineError) {
        let end = index + literal.utf8CodeUnitCount
        guard bytes.equals(literal, from: index, to: end) else { throw failure(.badJSON) }
        index = end
    }

    private mutating func scanString() throws(CDRLineError) -> JSONStringToken {
        guard bytes.byte(at: index) == ASCII.quote else { throw failure(.badJSON) }
        index += 1
        let start = index
        var hasEscapes = false
        while true {
            guard let byte = bytes.byte(at: index) else { throw failure(.badJSON) }
            switch byte {
            case ASCII.quote:
                defer { index += 1 }
                return JSONStringToken(start: start, end: index, hasEscapes: hasEscapes)
            case ASCII.backslash:
                hasEscapes = true
                try scanEscape()
            case 0x00..<0x20:
                throw failure(.badJSON)
            case 0x80...:
                guard let length = UTF8Validation.sequenceLength(in: bytes, at: index) else {
                    throw failure(.invalidUTF8)
                }
                index += length
            default:
                index += 1
            }
        }
    }

    /// At a backslash: checks one escape (a surrogate pair counts as one) and moves past it.
    private mutating func scanEscape() throws(CDRLineError) {
        guard let escaped = bytes.byte(at: index + 1) else { throw failure(.badJSON) }
        switch escaped {
        case ASCII.quote, ASCII.backslash, ASCII.slash, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            guard let value = hexQuad(at: index + 2) else { throw failure(.badJSON) }
            switch value {
            case 0xD800...0xDBFF:
                guard bytes.byte(at: index + 6) == ASCII.backslash, bytes.byte(at: index + 7) == UInt8(ascii: "u"),
                    let low = hexQuad(at: index + 8), (0xDC00...0xDFFF).contains(low)
                else { throw failure(.badJSON) }
                index += 12
            case 0xDC00...0xDFFF:
                throw failure(.badJSON)
            default:
                index += 6
            }
        default:
            throw failure(.badJSON)
        }
    }

    /// The value of four hex digits at `position`, or nil.
    private func hexQuad(at position: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let byte = bytes.byte(at: position + offset) else { return nil }
            let digit: UInt8
            switch byte {
            case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func scanNumber() throws(CDRLineError) -> JSONNumber {
        var number = JSONNumber(negative: false, significand: 0, exponent: 0)
        if bytes.byte(at: index) == ASCII.minus {
            number.negative = true
            index += 1
        }
        guard let first = bytes.byte(at: index), ASCII.isDigit(first) else { throw failure(.badJSON) }
        if first == ASCII.zero {
            index += 1
        } else {
            while let byte = bytes.byte(at: index), ASCII.isDigit(byte) {
                Self.accumulate(byte, into: &number, fractional: false)
                index += 1
            }
        }
        if bytes.byte(at: index) == ASCII.dot {
            index += 1
            guard let byte = bytes.byte(at: index), ASCII.isDigit(byte) else { throw failure(.badJSON) }
            while let byte = bytes.byte(at: index), ASCII.isDigit(byte) {
                Self.accumulate(byte, into: &number, fractional: true)
                index += 1
            }
        }
        if let byte = bytes.byte(at: index), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            index += 1
            var negativeExponent = false
            if let sign = bytes.byte(at: index), sign == ASCII.plus || sign == ASCII.minus {
                negativeExponent = sign == ASCII.minus
                index += 1
            }
            guard let digit = bytes.byte(at: index), ASCII.isDigit(digit) else { throw failure(.badJSON) }
            var exponent = 0
            while let byte = bytes.byte(at: index), ASCII.isDigit(byte) {
                exponent = min(exponent * 10 + Int(byte - ASCII.zero), 100_000)
                index += 1
            }
            number.exponent += negativeExponent ? -exponent : exponent
        }
        return number
    }

    private static func accumulate(_ digit: UInt8, into number: inout JSONNumber, fractional: Bool) {
        if number.significand <= (UInt64.max - 9) / 10 {
            number.significand = number.significand * 10 + UInt64(digit - ASCII.zero)
            if fractional { number.exponent -= 1 }
        } else if !fractional {
            number.exponent += 1
        }
    }
}
