/// Hashing for the level tables: one 64-bit mix of (scope tag, digits) gives both the home index
/// (high 32 bits, mapped onto any capacity by multiply-shift) and the fingerprint (low 16 bits,
/// never 0, which marks an empty slot).
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

    @inline(__always)
    static func fingerprint(_ hash: UInt64) -> UInt16 {
        UInt16(truncatingIfNeeded: hash) | 1
    }

    /// Slots for `keys` keys: at most 4/5 used, and always at least one empty slot.
    static func capacity(for keys: Int) -> Int {
        keys == 0 ? 0 : keys + keys / 4 + 1
    }
}
