/// A JSON number as an exact decimal: sign, up to 19 significant digits and a power of ten.
///
/// Kept decimal so that `1705321822.123456` becomes exactly 1705321822123456 µs, which a `Double`
/// cannot promise. Deliberately not handled: more than 19 significant digits (the rest of the
/// integer part scales the exponent, further fraction digits are dropped).
struct JSONNumber: Hashable, Sendable {
    var negative: Bool
    var significand: UInt64
    var exponent: Int

    /// The value times 10^`power`, truncated toward zero; nil when it does not fit an `Int64`.
    func scaled(byPowerOfTen power: Int) -> Int64? {
        var magnitude = significand
        let shift = exponent + power
        if magnitude != 0 {
            if shift >= 0 {
                guard shift <= 19 else { return nil }
                for _ in 0..<shift {
                    let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                    guard !overflow else { return nil }
                    magnitude = product
                }
            } else if shift < -19 {
                magnitude = 0
            } else {
                for _ in 0..<(-shift) { magnitude /= 10 }
            }
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    /// Whether the value is exactly the integer `value` (`1`, `1.0` and `10e-1` all are 1).
    func isExactly(_ value: Int64) -> Bool {
        if exponent < 0 {
            if significand == 0 { return value == 0 }
            guard -exponent <= 19 else { return false }
            var divisor: UInt64 = 1
            for _ in 0..<(-exponent) { divisor &*= 10 }
            guard significand % divisor == 0 else { return false }
        }
        return scaled(byPowerOfTen: 0) == value
    }
}
