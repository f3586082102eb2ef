/// An instant in UTC with microsecond resolution, as microseconds since the Unix epoch.
///
/// Event time and processing time are both `Timestamp`s; which one a value means is stated where
/// it is stored. Deliberately not handled: leap seconds (like POSIX time, they do not exist here).
package struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var microsecondsSinceEpoch: Int64

    package init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    package init(secondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = secondsSinceEpoch &* 1_000_000
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    package var secondsSinceEpoch: Int64 {
        microsecondsSinceEpoch >= 0
            ? microsecondsSinceEpoch / 1_000_000
            : (microsecondsSinceEpoch - 999_999) / 1_000_000
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    package static func + (lhs: Self, rhs: TimeSpan) -> Self {
        Self(microsecondsSinceEpoch: lhs.microsecondsSinceEpoch &+ rhs.microseconds)
    }

    package static func - (lhs: Self, rhs: TimeSpan) -> Self {
        Self(microsecondsSinceEpoch: lhs.microsecondsSinceEpoch &- rhs.microseconds)
    }

    package static func - (lhs: Self, rhs: Self) -> TimeSpan {
        TimeSpan(microseconds: lhs.microsecondsSinceEpoch &- rhs.microsecondsSinceEpoch)
    }

    /// RFC 3339 in UTC: `2024-01-15T14:30:22Z`, with `.ffffff` only when there are microseconds.
    package var rfc3339: String {
        let civil = CivilDateTime(utc: self)
        return civil.formatted(dateTimeSeparator: "T") + "Z"
    }

    package var description: String { rfc3339 }
}

/// A length of time in microseconds. Cheaper than `Duration` on the hot path (one `Int64`).
package struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var microseconds: Int64

    package init(microseconds: Int64) { self.microseconds = microseconds }

    package static func seconds(_ value: Int64) -> Self { Self(microseconds: value &* 1_000_000) }
    package static func minutes(_ value: Int64) -> Self { .seconds(value &* 60) }
    package static func hours(_ value: Int64) -> Self { .seconds(value &* 3_600) }
    package static func days(_ value: Int64) -> Self { .seconds(value &* 86_400) }

    package var seconds: Int64 { microseconds / 1_000_000 }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }
    package static func * (lhs: Self, rhs: Int64) -> Self { Self(microseconds: lhs.microseconds &* rhs) }
    package static func + (lhs: Self, rhs: Self) -> Self { Self(microseconds: lhs.microseconds &+ rhs.microseconds) }

    /// `90s`, `30m`, `7d`: the largest unit that divides the span exactly.
    package var description: String {
        let s = seconds
        if microseconds % 1_000_000 != 0 { return "\(microseconds)us" }
        if s != 0 && s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s != 0 && s % 3_600 == 0 { return "\(s / 3_600)h" }
        if s != 0 && s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }

    /// Parses `45s`, `30m`, `12h`, `7d` (a bare number means seconds). Returns nil otherwise.
    package init?(parsing text: String) {
        var digits = Substring(text)
        var unit: Int64 = 1
        if let last = text.last, !last.isNumber {
            switch last {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3_600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 12, let value = Int64(digits), value >= 0 else { return nil }
        self = .seconds(value * unit)
    }
}
