/// Big-endian loads at byte offsets. Callers check `offset + width <= count` before calling: the
/// loads themselves are unchecked in release builds (debug builds and the fuzzer still trap).
extension UnsafeRawBufferPointer {
    @inline(__always)
    func uint8(at offset: Int) -> UInt8 {
        self[offset]
    }

    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func littleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func bigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The bytes in `range`, which the caller has checked lies within the buffer.
    @inline(__always)
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }

    /// The bytes from `offset` to the end; empty when `offset >= count`.
    @inline(__always)
    func dropping(first offset: Int) -> UnsafeRawBufferPointer {
        offset >= count ? UnsafeRawBufferPointer(start: nil, count: 0) : slice(offset..<count)
    }
}
