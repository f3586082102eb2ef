/// Hashing and comparing callee-scope keys as raw UTF-8 bytes, eight bytes at a time (extension
/// numbers and E.164 keys take one or two words).
enum ScopeHash {
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let count = bytes.count
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset &+ 8 <= count {
            hash = mix(hash, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset &+= 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift &+= 8
                offset &+= 1
            }
            hash = mix(hash, tail)
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

    /// Whether `bytes` equals the same number of bytes at `stored`.
    @inline(__always)
    static func equal(_ bytes: UnsafeRawBufferPointer, _ stored: UnsafeRawPointer) -> Bool {
        var offset = 0
        while offset &+ 8 <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset &+= 8
        }
        while offset < bytes.count {
            if bytes[offset] != stored.load(fromByteOffset: offset, as: UInt8.self) { return false }
            offset &+= 1
        }
        return true
    }
}
