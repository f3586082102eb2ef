/// Just enough JSON (RFC 8259) to read a SHAKEN PASSporT payload's claims: objects, arrays,
/// strings, numbers and literals, nested at most ``maximumDepth`` deep. Values it does not need
/// are skipped after a syntax check. Returns nil for anything that is not well-formed.
///
/// Not a general JSON parser: numbers are only read as integers (`iat`), `\u` escapes outside the
/// Basic Multilingual Plane become U+FFFD, and duplicate keys keep the last value.
struct PASSporTJSONReader {
    static let maximumDepth = 16

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the payload's claims; nil when the bytes are not one JSON object.
    static func claims(_ bytes: [UInt8]) -> PASSporTClaims? {
        var reader = PASSporTJSONReader(bytes)
        var claims = PASSporTClaims()
        let parsed = reader.object(depth: 0) { reader, key in
            switch key {
            case "attest":
                guard let value = reader.string() else { return false }
                claims.attestation = PASSporTClaims.attestation(value)
            case "iat":
                guard let value = reader.integer() else { return false }
                claims.issuedAt = value
            case "origid":
                guard let value = reader.string() else { return false }
                claims.originIdentifier = value
            case "orig":
                guard let numbers = reader.telephoneNumbers(depth: 1) else { return false }
                claims.originatingNumber = numbers.first
            case "dest":
                guard let numbers = reader.telephoneNumbers(depth: 1) else { return false }
                claims.destinationNumbers = numbers
            default:
                return reader.skipValue(depth: 1)
            }
            return true
        }
        reader.skipWhitespace()
        guard parsed, reader.index == reader.bytes.count else { return nil }
        return claims
    }

    // MARK: - Claims

    /// `{"tn": "…"}` or `{"tn": ["…", …]}`: the numbers, other members skipped.
    private mutating func telephoneNumbers(depth: Int) -> [String]? {
        var numbers: [String] = []
        let parsed = object(depth: depth) { reader, key in
            guard key == "tn" else { return reader.skipValue(depth: depth + 1) }
            reader.skipWhitespace()
            if reader.peek == UInt8(ascii: "[") {
                return reader.array(depth: depth + 1) { reader in
                    guard let number = reader.string() else { return false }
                    numbers.append(number)
                    return true
                }
            }
            guard let number = reader.string() else { return false }
            numbers.append(number)
            return true
        }
        return parsed ? numbers : nil
    }

    // MARK: - Grammar

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// `{ "key": value, … }`, calling `member` with the reader positioned at each value.
    private mutating func object(depth: Int, _ member: (inout PASSporTJSONReader, String) -> Bool) -> Bool {
        guard depth < Self.maximumDepth, consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), consume(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    /// `[ value, … ]`, calling `element` with the reader positioned at each element.
    private mutating func array(depth: Int, _ element: (inout PASSporTJSONReader) -> Bool) -> Bool {
        guard depth < Self.maximumDepth, consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    private mutating func skipValue(depth: Int) -> Bool {
        skipWhitespace()
        switch peek {
        case UInt8(ascii: "{"): return object(depth: depth) { reader, _ in reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): return array(depth: depth) { reader in reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        for offset in 0..<length where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += length
        return true
    }

    /// A JSON number, syntax-checked and skipped.
    private mutating func number() -> Bool {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while let byte = peek, ASCII.isDigit(byte) { index += 1 }
        guard index > digitsStart else { return false }
        if peek == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while let byte = peek, ASCII.isDigit(byte) { index += 1 }
            guard index > fractionStart else { return false }
        }
        if let byte = peek, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            index += 1
            if let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while let byte = peek, ASCII.isDigit(byte) { index += 1 }
            guard index > exponentStart else { return false }
        }
        return index > start
    }

    /// A non-negative integer of at most 18 digits (`iat`).
    private mutating func integer() -> Int64? {
        skipWhitespace()
        var value: Int64 = 0
        var digits = 0
        while let byte = peek, ASCII.isDigit(byte) {
            guard digits < 18 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    /// A JSON string with its escapes decoded.
    private mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var decoded: [UInt8] = []
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count else { return nil }
                    var scalar: UInt32 = 0
                    for offset in 0..<4 {
                        guard let digit = ASCII.hexValue(bytes[index + offset]) else { return nil }
                        scalar = scalar << 4 | UInt32(digit)
                    }
                    index += 4
                    decoded.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
                default: return nil
                }
            case 0x00..<0x20:
                return nil
            default:
                decoded.append(byte)
            }
        }
        return nil
    }
}
