/// Why a schedule's text form was refused; ``reason`` is written for the person who typed it.
package struct RuleScheduleError: Error, Hashable, Sendable, CustomStringConvertible {
    package var reason: String

    package init(_ reason: String) { self.reason = reason }

    package var description: String { reason }
}

extension RuleSchedule {
    /// Reads the text form the CLI and the store use: days, then optionally a window.
    ///
    /// Days: `daily` (or `*`), or a comma list of days and day ranges (`mon-fri`, `sat,sun`,
    /// `fri-mon` wraps over the weekend); names are `mon` ... `sun` or spelt out, any case. Window:
    /// `HH:MM-HH:MM` (or `H:MM`), `24:00` allowed as an end; a window alone means every day.
    /// Examples: `mon-fri 18:00-08:00`, `sat-sun`, `22:00-06:00`, `mon,wed 9:00-12:30`.
    /// - Throws: ``RuleScheduleError`` naming what is wrong (unknown day, bad time, empty window).
    package init(parsing text: String) throws(RuleScheduleError) {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty, words.count <= 2 else {
            throw RuleScheduleError("\"\(text)\" is not a schedule such as \"mon-fri 18:00-08:00\" or \"sat-sun\"")
        }
        var days = Weekdays.everyDay
        var window: (Int, Int) = (0, Self.minutesPerDay)
        if words.count == 2 {
            days = try Self.parseDays(words[0])
            window = try Self.parseWindow(words[1])
        } else if words[0].contains(":") {
            window = try Self.parseWindow(words[0])
        } else {
            days = try Self.parseDays(words[0])
        }
        guard let schedule = RuleSchedule(days: days, startMinute: window.0, endMinute: window.1) else {
            throw RuleScheduleError("the window \(words.last ?? "") is empty (leave the times out for whole days)")
        }
        self = schedule
    }

    private static let dayNames: [String: Int] = [
        "mon": 0, "monday": 0, "tue": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3, "thursday": 3,
        "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
    ]

    private static func parseDays(_ text: Substring) throws(RuleScheduleError) -> Weekdays {
        if text == "daily" || text == "*" { return .everyDay }
        var days: Weekdays = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 1 || ends.count == 2 else { throw RuleScheduleError("\"\(part)\" is not a day or a day range") }
            guard let first = dayNames[String(ends[0])], let last = dayNames[String(ends[ends.count - 1])] else {
                throw RuleScheduleError("\"\(part)\" is not a day (mon, tue, wed, thu, fri, sat, sun) or a range such as mon-fri")
            }
            var index = first
            while true {
                days.insert(Weekdays(index: index))
                if index == last { break }
                index = (index + 1) % 7
            }
        }
        return days
    }

    private static func parseWindow(_ text: Substring) throws(RuleScheduleError) -> (Int, Int) {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = minute(ends[0]), let end = minute(ends[1]), start < minutesPerDay, end > 0
        else {
            throw RuleScheduleError("\"\(text)\" is not a time window such as 18:00-08:00 (00:00 to 24:00)")
        }
        return (start, end)
    }

    /// `H:MM` or `HH:MM` as minutes of the day, 0 ... 1440; nil otherwise.
    private static func minute(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
            let hours = Int(parts[0]), let minutes = Int(parts[1]), minutes < 60
        else { return nil }
        let total = hours * 60 + minutes
        return total <= minutesPerDay ? total : nil
    }
}
