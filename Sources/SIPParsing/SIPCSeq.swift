/// `CSeq: <number> <METHOD>` (RFC 3261 §20.16).
package struct SIPCSeq: Hashable, Sendable {
    /// The sequence number, 0 ... 2^31 - 1.
    package var number: UInt32
    package var method: SIPMethod
    /// Where the method token is (for extension methods).
    package var methodRange: Range<Int>

    package init(number: UInt32, method: SIPMethod, methodRange: Range<Int>) {
        self.number = number
        self.method = method
        self.methodRange = methodRange
    }

    /// Reads a CSeq value; nil when it is not a number below 2^31, blanks and a method token.
    init?(_ bytes: Span<UInt8>, _ value: Range<Int>) {
        let trimmed = bytes.trimmingWhitespace(value)
        var index = trimmed.lowerBound
        while index < trimmed.upperBound, ASCII.isDigit(bytes[index]) { index += 1 }
        guard let number = bytes.decimalValue(trimmed.lowerBound..<index, maximum: Int(Int32.max)) else { return nil }
        let digitsEnd = index
        while index < trimmed.upperBound, ASCII.isWhitespace(bytes[index]) { index += 1 }
        let methodStart = index
        while index < trimmed.upperBound, ASCII.isTokenCharacter(bytes[index]) { index += 1 }
        guard index > digitsEnd, methodStart > digitsEnd, methodStart < index, index == trimmed.upperBound else {
            return nil
        }
        self.init(
            number: UInt32(number), method: SIPMethod(bytes, methodStart..<index), methodRange: methodStart..<index)
    }
}
