/// A called-party key (``CallModel/CalledParty/key``) as a hashable value that avoids string hashing
/// on the hot path: keys made of up to 17 digits, optionally after `+`, pack into one `UInt64`
/// (digits, digit count and the `+`, so `0123` and `123` stay apart); anything else keeps its text.
enum TargetKey: Hashable, Sendable {
    case packed(UInt64)
    case text(String)

    init(_ key: String) {
        var value: UInt64 = 0
        var digitCount: UInt64 = 0
        var plus: UInt64 = 0
        var isFirst = true
        for byte in key.utf8 {
            if isFirst, byte == UInt8(ascii: "+") {
                plus = 1
                isFirst = false
                continue
            }
            isFirst = false
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digitCount < 17 else {
                self = .text(key)
                return
            }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            digitCount += 1
        }
        guard digitCount > 0 else {
            self = .text(key)
            return
        }
        // 10^17 < 2^57, so six low bits are free: five for the digit count, one for the '+'.
        self = .packed(value << 6 | digitCount << 1 | plus)
    }
}
