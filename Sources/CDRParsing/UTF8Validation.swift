/// Checks UTF-8 sequences byte by byte (Unicode 15 table 3-7: no overlongs, no surrogates, nothing
/// above U+10FFFF), so that the JSON reader can reject invalid text without allocating.
enum UTF8Validation {
    /// The length of the valid multi-byte sequence starting at `index` (whose first byte is
    /// ≥ 0x80), or nil when it is not a valid sequence.
    static func sequenceLength(in bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        guard let lead = bytes.byte(at: index) else { return nil }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard let second = bytes.byte(at: index + 1), second >= low, second <= high else { return nil }
        for offset in 2..<max(length, 2) {
            guard let next = bytes.byte(at: index + offset), next & 0xC0 == 0x80 else { return nil }
        }
        return length
    }
}
