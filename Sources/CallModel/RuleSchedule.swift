/// When a rule is in force: some days of the week and a local time-of-day window.
///
/// The window is `[start, end)` in minutes of the local day. When `start > end` it wraps past
/// midnight and belongs to the day it *starts* on: `mon-fri 18:00-08:00` is in force from Monday
/// 18:00 to Tuesday 08:00, ..., and from Friday 18:00 to Saturday 08:00, but not on Monday
/// 00:00–08:00 (that part belongs to Sunday's window, and Sunday is not listed). A whole-day
/// schedule is `start = 0, end = 1440`, written without times (`sat-sun`).
///
/// Times are the deployment's local wall-clock time (``LocalTimeZone``). Deliberately not handled:
/// seconds, dates and holidays (a schedule repeats weekly), and the DST hour that does not exist or
/// occurs twice: a window is judged on the local clock reading, whatever it is.
package struct RuleSchedule: Hashable, Sendable, CustomStringConvertible {
    /// Minutes in a day; the largest ``endMinute``.
    package static let minutesPerDay = 1_440

    /// The days the window starts on.
    package let days: Weekdays
    /// First minute of the window (0 ..< 1440).
    package let startMinute: Int
    /// Minute the window ends before (1 ... 1440); never equal to ``startMinute``.
    package let endMinute: Int

    /// A schedule, or nil when `days` is empty, a minute is out of range or the window is empty.
    package init?(days: Weekdays, startMinute: Int = 0, endMinute: Int = RuleSchedule.minutesPerDay) {
        guard !days.isEmpty, (0..<Self.minutesPerDay).contains(startMinute),
            (1...Self.minutesPerDay).contains(endMinute), startMinute != endMinute
        else { return nil }
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Whether the window wraps past midnight into the next day.
    package var wrapsMidnight: Bool { startMinute > endMinute }

    /// Whether the schedule is in force at local minute `minuteOfDay` of a day with weekday index
    /// `weekday` (0 = Monday).
    package func isInForce(weekday: Int, minuteOfDay: Int) -> Bool {
        if startMinute < endMinute {
            return days.contains(index: weekday) && minuteOfDay >= startMinute && minuteOfDay < endMinute
        }
        if minuteOfDay >= startMinute { return days.contains(index: weekday) }
        if minuteOfDay < endMinute { return days.contains(index: weekday == 0 ? 6 : weekday - 1) }
        return false
    }

    /// Whether the schedule is in force at `instant` in `zone` (asks the zone's resolver: not for
    /// the hot path, where the compiled snapshot keeps its own offset table).
    package func isInForce(at instant: Timestamp, in zone: LocalTimeZone) -> Bool {
        let local = instant.secondsSinceEpoch + Int64(zone.offsetSeconds(at: instant))
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let minute = Int((local - day * 86_400) / 60)
        return isInForce(weekday: Weekdays.index(ofDaysSinceEpoch: day), minuteOfDay: minute)
    }

    /// The text form (``init(text:)`` reads it back): `mon-fri 18:00-08:00`, `sat-sun`,
    /// `daily 22:00-06:00`, `mon,wed,fri 09:00-12:00`.
    package var description: String {
        var text = Self.daysText(days)
        if startMinute != 0 || endMinute != Self.minutesPerDay {
            text += " " + Self.clock(startMinute) + "-" + Self.clock(endMinute)
        }
        return text
    }

    private static func daysText(_ days: Weekdays) -> String {
        if days == .everyDay { return "daily" }
        var parts: [String] = []
        var index = 0
        while index < 7 {
            guard days.contains(index: index) else {
                index += 1
                continue
            }
            var last = index
            while last + 1 < 7, days.contains(index: last + 1) { last += 1 }
            parts.append(
                last == index ? Weekdays.shortNames[index] : Weekdays.shortNames[index] + "-" + Weekdays.shortNames[last])
            index = last + 1
        }
        return parts.joined(separator: ",")
    }

    private static func clock(_ minute: Int) -> String {
        let hours = minute / 60
        let minutes = minute % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}

extension LocalTimeZone {
    /// The offset east of UTC in force at `instant`: the resolver takes local times, so the offset
    /// at the instant read as UTC is a guess and the offset at the local time it gives is the answer
    /// (wrong only within the hour around a DST change).
    package func offsetSeconds(at instant: Timestamp) -> Int {
        let guess = offsetSeconds(CivilDateTime(utc: instant))
        return offsetSeconds(CivilDateTime(utc: instant + .seconds(Int64(guess))))
    }
}
