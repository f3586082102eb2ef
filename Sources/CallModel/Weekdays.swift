/// A set of days of the week, Monday first (ISO 8601 order).
///
/// Bit 0 is Monday, bit 6 Sunday. ``index(ofDaysSinceEpoch:)`` turns a local day number into that
/// index: 1970-01-01 was a Thursday.
package struct Weekdays: OptionSet, Hashable, Sendable {
    package let rawValue: UInt8

    package init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    package static let monday = Weekdays(rawValue: 1 << 0)
    package static let tuesday = Weekdays(rawValue: 1 << 1)
    package static let wednesday = Weekdays(rawValue: 1 << 2)
    package static let thursday = Weekdays(rawValue: 1 << 3)
    package static let friday = Weekdays(rawValue: 1 << 4)
    package static let saturday = Weekdays(rawValue: 1 << 5)
    package static let sunday = Weekdays(rawValue: 1 << 6)
    /// Monday to Friday.
    package static let workdays = Weekdays(rawValue: 0x1F)
    /// Saturday and Sunday.
    package static let weekend = Weekdays(rawValue: 0x60)
    /// Every day.
    package static let everyDay = Weekdays(rawValue: 0x7F)

    /// The short names the text forms use, Monday first.
    package static let shortNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The day with index `index` (0 = Monday ... 6 = Sunday); empty outside 0...6.
    package init(index: Int) {
        self.init(rawValue: (0...6).contains(index) ? UInt8(1) << UInt8(index) : 0)
    }

    /// Whether the day with index `index` (0 = Monday) is in the set.
    package func contains(index: Int) -> Bool {
        (0...6).contains(index) && rawValue & (UInt8(1) << UInt8(index)) != 0
    }

    /// The weekday index (0 = Monday) of a day counted from 1970-01-01 (a Thursday, index 3).
    package static func index(ofDaysSinceEpoch days: Int64) -> Int {
        let index = (days + 3) % 7
        return Int(index < 0 ? index + 7 : index)
    }
}
