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

    /// The bytes in `start..<end` as a `String`; invalid UTF-8 becomes U+FFFD.
    /// Empty when the range is not inside the buffer.
    func string(from start: Int, to end: Int) -> String {
        guard start >= 0, start <= end, end <= count else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: self[start..<end]), as: UTF8.self)
    }

    /// The field's content as a `String`, with doubled quotes (`""`) turned into one `"`.
    func string(of field: CSVField) -> String {
        guard field.hasDoubledQuotes else { return string(from: field.start, to: field.end) }
        return String(decoding: unescapedBytes(of: field), as: UTF8.self)
    }

    /// The field's content with doubled quotes turned into one.
    func unescapedBytes(of field: CSVField) -> [UInt8] {
        guard field.start >= 0, field.start <= field.end, field.end <= count else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var index = field.start
        while index < field.end {
            let byte = self[index]
            bytes.append(byte)
            index += byte == ASCII.quote && index + 1 < field.end && self[index + 1] == ASCII.quote ? 2 : 1
        }
        return bytes
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
