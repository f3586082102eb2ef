import CallModel

/// Epoch times as the servers write them, read without Foundation.
enum EpochTime {
    /// `1705321822` or `1705321822.123456` (seconds, up to six fraction digits kept); nil otherwise.
    static func parse(seconds text: String) -> Timestamp? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCIIDigit),
              let seconds = Int64(whole)
        else { return nil }
        var micros: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            var digits = String(fraction.prefix(6))
            while digits.count < 6 { digits += "0" }
            micros = Int64(digits) ?? 0
        }
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + micros)
    }

    /// Microseconds since the epoch as FreeSWITCH writes them (`1705321822123456`); nil for `0`,
    /// empty or anything that is not digits.
    static func parse(microseconds text: String?) -> Timestamp? {
        guard let text, !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCIIDigit),
              let value = Int64(text), value > 0
        else { return nil }
        return Timestamp(microsecondsSinceEpoch: value)
    }
}
