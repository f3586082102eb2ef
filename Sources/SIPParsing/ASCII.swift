/// Byte classes of SIP's grammar (RFC 3261 §25.1) used by the parsers.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let questionMark: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D

    /// SP or HTAB.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Linear white space including the CR and LF of an obsolete line fold, which the parser leaves
    /// inside a folded value's range (RFC 3261 §7.3.1: CRLF followed by WSP reads as one SP).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn || byte == lineFeed
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// `token` characters: alphanumerics and `-.!%*_+`'~` (RFC 3261 §25.1).
    @inline(__always)
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        // Bit n of the mask for 0x00–0x3F / 0x40–0x7F is set when byte n (or 0x40 + n) is a token
        // character: `!` `%` `'` `*` `+` `-` `.` and digits; letters, `_` and `` ` `` and `~`.
        let low: UInt64 = 0x03FF_6CA2_0000_0000
        let high: UInt64 = 0x47FF_FFFF_87FF_FFFE
        if byte < 0x40 { return low >> UInt64(byte) & 1 == 1 }
        if byte < 0x80 { return high >> UInt64(byte - 0x40) & 1 == 1 }
        return false
    }
}
