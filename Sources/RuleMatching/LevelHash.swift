/// Hashing for the level tables: one 64-bit mix of (scope tag, digits) whose high 32 bits give the
/// home index, mapped onto any capacity by multiply-shift.
enum LevelHash {
    @inline(__always)
    static func mix(digits: UInt64, tag: UInt32) -> UInt64 {
        var mixed = digits ^ (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15)
        mixed ^= mixed >> 31
        mixed &*= 0xD6E8_FEB8_6659_FD93
        mixed ^= mixed >> 32
        mixed &*= 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 29
        return mixed
    }

    /// The home index of `hash` in a table of `capacity` slots.
    @inline(__always)
    static func index(_ hash: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: ((hash >> 32) &* UInt64(truncatingIfNeeded: capacity)) >> 32)
    }

    /// Entries for `keys` keys: at most half used (a question without a rule probes ~2.5 entries
    /// on average), and always at least one empty entry.
    static func capacity(for keys: Int) -> Int {
        keys == 0 ? 0 : 2 * keys + 1
    }
}
