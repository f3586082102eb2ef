/// A normalised international number: `+`, a country code and the national significant number,
/// 7 to 15 digits in all, never starting with 0.
///
/// Stored as its numeric value so that hashing and comparing cost one `UInt64` (E.164 numbers
/// cannot start with 0, so the value identifies the number). Deliberately not handled: whether the
/// number is *assigned* or of a valid type for its country; that takes the full libphonenumber
/// metadata and a wrong guess there would hide a harasser, so length is the only check.
package struct E164Number: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The digits after `+` as one integer, e.g. 358401234567.
    package let value: UInt64

    package static let minimumDigits = 7
    package static let maximumDigits = 15

    /// From digits only (no `+`). Nil when not 7–15 ASCII digits or when it starts with 0.
    package init?<S: StringProtocol>(digits: S) {
        var value: UInt64 = 0
        var count = 0
        for byte in digits.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            if count == 0 && byte == 0x30 { return nil }
            count += 1
            if count > Self.maximumDigits { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        guard count >= Self.minimumDigits else { return nil }
        self.value = value
    }

    /// From the canonical form `+358401234567`.
    package init?(e164 text: String) {
        guard text.utf8.first == UInt8(ascii: "+") else { return nil }
        self.init(digits: text.dropFirst())
    }

    /// From a stored numeric value; nil unless it has 7–15 digits.
    package init?(value: UInt64) {
        guard value >= 1_000_000, value <= 999_999_999_999_999 else { return nil }
        self.value = value
    }

    package var digits: String { String(value) }

    /// The canonical form: `+` and digits.
    package var description: String { "+" + String(value) }

    /// `+35840*****67`: country code and the last two digits kept, for log lines.
    package var masked: String { Self.mask(description) }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    /// Masks the middle of any number-like string for logs: keeps the first four and the last two
    /// characters when it is long enough, stars otherwise. Personal data never reaches a log unmasked.
    package static func mask(_ text: String) -> String {
        let characters = Array(text)
        guard characters.count > 6 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(4)) + String(repeating: "*", count: characters.count - 6)
            + String(characters.suffix(2))
    }
}
