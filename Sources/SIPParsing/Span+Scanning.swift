/// Bounds-checked scanning helpers on a message's bytes. Every helper clamps its range to the
/// span, so a caller's off-by-one becomes a short result, never an out-of-bounds read.
extension Span where Element == UInt8 {
    /// The offset of the first `target` in `start..<end` (clamped to the span), or the clamped
    /// `end` when there is none. Reads eight bytes per step where eight remain (SWAR zero-byte test).
    @inline(__always)
    func firstIndex(of target: UInt8, from start: Int, to end: Int) -> Int {
        let limit = Swift.min(end, count)
        var index = Swift.max(start, 0)
        let raw = bytes
        let pattern = UInt64(target) &* 0x0101_0101_0101_0101
        while index &+ 8 <= limit {
            let word =
                UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ pattern
            let zeroBytes = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeroBytes != 0 { return index &+ zeroBytes.trailingZeroBitCount / 8 }
            index &+= 8
        }
        while index < limit {
            if self[index] == target { return index }
            index &+= 1
        }
        return Swift.max(limit, Swift.max(start, 0))
    }

    /// `range` with linear white space (folds included) removed from both ends, clamped to the span.
    @inline(__always)
    func trimmingWhitespace(_ range: Range<Int>) -> Range<Int> {
        var lower = Swift.max(range.lowerBound, 0)
        var upper = Swift.min(range.upperBound, count)
        // Both bounds are clamped into the span, so the bytes between them are read unchecked.
        while lower < upper, ASCII.isWhitespace(self[unchecked: lower]) { lower &+= 1 }
        while upper > lower, ASCII.isWhitespace(self[unchecked: upper &- 1]) { upper &-= 1 }
        return lower < upper ? lower..<upper : lower..<lower
    }

    /// Whether the bytes in `range` are exactly `literal`, ASCII letters compared case-insensitively.
    /// `literal` must be lower case.
    @inline(__always)
    func equalsIgnoringCase(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard range.lowerBound >= 0, range.upperBound <= count, range.count == length else { return false }
        let expected = literal.utf8Start
        // The range is inside the span (checked above), so its bytes are read without further checks.
        var offset = 0
        while offset < length {
            if ASCII.lowercased(self[unchecked: range.lowerBound &+ offset]) != expected[offset] { return false }
            offset &+= 1
        }
        return true
    }

    /// Whether the bytes in `range` start with `literal` (lower case), case-insensitively.
    @inline(__always)
    func hasPrefixIgnoringCase(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard range.count >= length else { return false }
        return equalsIgnoringCase(range.lowerBound..<(range.lowerBound + length), literal)
    }

    /// The bytes in `range` as a `String` (invalid UTF-8 becomes U+FFFD). An obsolete line fold
    /// inside the range (CR? LF followed by blanks) becomes one space. Empty for a range outside
    /// the span.
    func string(_ range: Range<Int>) -> String {
        guard range.lowerBound >= 0, range.upperBound <= count, !range.isEmpty else { return "" }
        let hasLineBreak = firstIndex(of: ASCII.lineFeed, from: range.lowerBound, to: range.upperBound)
            < range.upperBound
        if !hasLineBreak {
            return withUnsafeBufferPointer { buffer in
                String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
            }
        }
        var unfolded: [UInt8] = []
        unfolded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = self[index]
            if byte == ASCII.carriageReturn || byte == ASCII.lineFeed {
                while index < range.upperBound, ASCII.isWhitespace(self[index]) { index += 1 }
                unfolded.append(ASCII.space)
                continue
            }
            unfolded.append(byte)
            index += 1
        }
        return String(decoding: unfolded, as: UTF8.self)
    }

    /// Parses the decimal digits in `range` (white space around them allowed) as a non-negative
    /// integer no larger than `maximum`; nil for anything else.
    func decimalValue(_ range: Range<Int>, maximum: Int) -> Int? {
        let digits = trimmingWhitespace(range)
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for index in digits {
            let byte = self[index]
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value <= maximum ? value : nil
    }
}
