import CallModel

/// Exact numbers and number prefixes compiled for allocation-free lookups by `E164Number.value`.
///
/// A prefix matches a number whose decimal digits start with the prefix's digits, found by integer
/// division (no string is built per lookup). Linear in the number of prefixes; allow lists hold tens.
struct NumberList: Sendable {
    private let exact: Set<UInt64>
    private let prefixes: [(value: UInt64, digits: Int)]

    init(numbers: some Sequence<UInt64>, prefixes: [String]) {
        self.exact = Set(numbers)
        self.prefixes = prefixes.compactMap(Self.parsePrefix)
    }

    var isEmpty: Bool { exact.isEmpty && prefixes.isEmpty }

    func contains(_ number: UInt64) -> Bool {
        if exact.contains(number) { return true }
        guard !prefixes.isEmpty else { return false }
        let digits = Self.digitCount(number)
        for prefix in prefixes where prefix.digits <= digits {
            if number / Self.powersOfTen[digits - prefix.digits] == prefix.value { return true }
        }
        return false
    }

    /// `+44800`, `44800` → (44800, 5); nil unless 1–15 ASCII digits not starting with 0.
    static func parsePrefix(_ text: String) -> (value: UInt64, digits: Int)? {
        var body = Substring(text.trimmingSpaces)
        if body.hasPrefix("+") { body = body.dropFirst() }
        if body.hasSuffix("*") { body = body.dropLast() }
        guard !body.isEmpty, body.utf8.count <= 15, body.utf8.first != UInt8(ascii: "0") else { return nil }
        var value: UInt64 = 0
        for byte in body.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return (value, body.utf8.count)
    }

    private static let powersOfTen: [UInt64] = (0...19).map { exponent in
        (0..<exponent).reduce(UInt64(1)) { product, _ in product * 10 }
    }

    private static func digitCount(_ number: UInt64) -> Int {
        var count = 1
        var rest = number / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }
}
