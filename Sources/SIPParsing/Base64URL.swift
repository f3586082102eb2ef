/// Base64url decoding (RFC 4648 §5) of a JWS part, padding optional; standard base64's `+` and
/// `/` are accepted too. Nil for any other byte, an impossible length, or more than `maximum`
/// decoded bytes.
enum Base64URL {
    static func decode(_ bytes: Span<UInt8>, _ range: Range<Int>, maximum: Int) -> [UInt8]? {
        var upper = Swift.min(range.upperBound, bytes.count)
        let lower = Swift.max(range.lowerBound, 0)
        while upper > lower, bytes[upper - 1] == ASCII.equals { upper -= 1 }
        let length = upper - lower
        guard length >= 0, length % 4 != 1, length / 4 * 3 <= maximum else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(length / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        for index in lower..<upper {
            guard let value = sextet(bytes[index]) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x41...0x5A: byte - 0x41
        case 0x61...0x7A: byte - 0x61 + 26
        case 0x30...0x39: byte - 0x30 + 52
        case UInt8(ascii: "-"), UInt8(ascii: "+"): 62
        case UInt8(ascii: "_"), UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
