/// Hashing and comparing callee-scope keys as raw UTF-8 bytes, eight bytes at a time (extension
/// numbers and E.164 keys take one or two words).
enum ScopeHash {
    /// The hash of `bytes`: whole words, then the tail as one overlapping word (keys of 8 bytes or
    /// more), two overlapping 4-byte halves (4 to 7 bytes) or three bytes (1 to 3), so that a short
    /// key costs one mix and no byte loop.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let count = bytes.count
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        guard count > 0, let start = bytes.baseAddress else { return UInt32(truncatingIfNeeded: hash ^ (hash >> 32)) }
        if count >= 8 {
            var offset = 0
            while offset &+ 8 <= count {
                hash = mix(hash, start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset &+= 8
            }
            if offset < count { hash = mix(hash, start.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)) }
        } else if count >= 4 {
            let low = UInt64(start.loadUnaligned(as: UInt32.self))
            let high = UInt64(start.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            hash = mix(hash, low | high << 32)
        } else {
            let first = UInt64(start.load(as: UInt8.self))
            let middle = UInt64(start.load(fromByteOffset: count >> 1, as: UInt8.self))
            let last = UInt64(start.load(fromByteOffset: count &- 1, as: UInt8.self))
            hash = mix(hash, first | middle << 8 | last << 16)
        }
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    static func hash(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { hash($0) }
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        var mixed = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 31
        return mixed
    }

    /// Whether `bytes` equals the same number of bytes at `stored`: whole words, then the tail as
    /// one overlapping word or two overlapping halves, as ``hash(_:)`` reads them.
    @inline(__always)
    static func equal(_ bytes: UnsafeRawBufferPointer, _ stored: UnsafeRawPointer) -> Bool {
        let count = bytes.count
        guard count > 0, let start = bytes.baseAddress else { return true }
        if count >= 8 {
            var offset = 0
            while offset &+ 8 <= count {
                if start.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                {
                    return false
                }
                offset &+= 8
            }
            return offset == count
                || start.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                    == stored.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        }
        if count >= 4 {
            return start.loadUnaligned(as: UInt32.self) == stored.loadUnaligned(as: UInt32.self)
                && start.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
                    == stored.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
        }
        var offset = 0
        while offset < count {
            if start.load(fromByteOffset: offset, as: UInt8.self) != stored.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset &+= 1
        }
        return true
    }
}
