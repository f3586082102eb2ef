/// Safe, bounds-checked reads from a line's bytes.
///
/// `UnsafeRawBufferPointer`'s own subscript checks bounds only in debug builds, so every read the
/// decoders make on input goes through these helpers, which check in release builds too.
extension UnsafeRawBufferPointer {
    /// The byte at `index`, or nil when `index` is outside the buffer.
    @inline(__always)
    func byte(at index: Int) -> UInt8? {
        index >= 0 && index < count ? self[index] : nil
    }

    /// The offset of the first `target` byte at or after `start`, or `count` when there is none.
    /// Looks at eight bytes per step (the SWAR zero-byte test) where at least eight remain.
    @inline(__always)
    func firstIndex(of target: UInt8, from start: Int) -> Int {
        var index = Swift.max(start, 0)
        let pattern = UInt64(target) &* 0x0101_0101_0101_0101
        while index &+ 8 <= count {
            let word = UInt64(littleEndian: loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ pattern
            let zeroBytes = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeroBytes != 0 { return index &+ zeroBytes.trailingZeroBitCount / 8 }
            index &+= 8
        }
        while index < count {
            if self[index] == target { return index }
            index &+= 1
        }
        return count
    }

    /// The bytes in `start..<end` as a `String`; invalid UTF-8 becomes U+FFFD.
    /// Empty when the range is not inside the buffer.
    func string(from start: Int, to end: Int) -> String {
        guard start >= 0, start <= end, end <= count else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: self[start..<end]), as: UTF8.self)
    }

    /// The field's content as a `String`, with doubled quotes (`""`) turned into one `"`, written
    /// straight into the string's storage; invalid UTF-8 becomes U+FFFD.
    func string(of field: CSVField) -> String {
        guard field.hasDoubledQuotes else { return string(from: field.start, to: field.end) }
        guard field.start >= 0, field.start <= field.end, field.end <= count else { return "" }
        return String(unsafeUninitializedCapacity: field.count) { output in
            var written = 0
            var index = field.start
            while index < field.end, written < output.count {
                let byte = self[index]
                output[written] = byte
                written += 1
                index += byte == ASCII.quote && index + 1 < field.end && self[index + 1] == ASCII.quote ? 2 : 1
            }
            return written
        }
    }

    /// Whether `start..<end` holds exactly the ASCII text `literal`, compared case-insensitively.
    func equalsASCIICaseInsensitive(_ literal: StaticString, from start: Int, to end: Int) -> Bool {
        guard start >= 0, start <= end, end <= count, end - start == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<(end - start) where ASCII.lowercased(self[start + offset]) != ASCII.lowercased(pointer[offset]) {
            return false
        }
        return true
    }

    /// Whether `start..<end` holds exactly `literal` (case-sensitive).
    func equals(_ literal: StaticString, from start: Int, to end: Int) -> Bool {
        guard start >= 0, start <= end, end <= count, end - start == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<(end - start) where self[start + offset] != pointer[offset] {
            return false
        }
        return true
    }
}
