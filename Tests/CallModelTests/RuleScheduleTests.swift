import CallModel
import Testing

struct RuleScheduleTests {
    @Test(arguments: [
        ("mon-fri 18:00-08:00", "mon-fri 18:00-08:00"),
        ("sat-sun", "sat-sun"),
        ("SAT,Sun", "sat-sun"),
        ("daily 22:00-06:00", "daily 22:00-06:00"),
        ("22:00-06:00", "daily 22:00-06:00"),
        ("* 9:00-17:30", "daily 09:00-17:30"),
        ("mon,wed,fri 09:00-12:00", "mon,wed,fri 09:00-12:00"),
        ("fri-mon", "mon,fri-sun"),
        ("monday-friday 00:00-24:00", "mon-fri"),
        ("sun 23:00-24:00", "sun 23:00-24:00"),
        ("tue 00:00-00:30", "tue 00:00-00:30"),
    ])
    func parsesAndPrintsCanonically(_ text: String, _ canonical: String) throws {
        let schedule = try RuleSchedule(parsing: text)
        #expect(schedule.description == canonical)
        #expect(try RuleSchedule(parsing: schedule.description) == schedule)
    }

    @Test(arguments: [
        "", "mon-fri 18:00", "mon-fry", "mon-fri 25:00-08:00", "mon-fri 18:00-18:00", "mon 8-9", "mon 08:60-09:00",
        "mon 24:00-01:00", "mon-fri 18:00-08:00 extra", "mon,,tue", "mon-tue-wed", "18:00-00:00", "mon 08:00-",
    ])
    func refusesMalformedText(_ text: String) {
        #expect(throws: RuleScheduleError.self) { try RuleSchedule(parsing: text) }
    }

    @Test func errorNamesTheProblem() {
        do {
            _ = try RuleSchedule(parsing: "mon-fry")
            Issue.record("parsed a bad day")
        } catch {
            #expect(error.reason.contains("mon-fry"))
        }
    }

    @Test func roundTripsEveryDaySetAndSomeWindows() throws {
        for days in 1...127 {
            for (start, end) in [(0, 1_440), (480, 1_080), (1_320, 360), (0, 1), (1_439, 1_440)] {
                let schedule = try #require(
                    RuleSchedule(days: Weekdays(rawValue: UInt8(days)), startMinute: start, endMinute: end))
                #expect(try RuleSchedule(parsing: schedule.description) == schedule)
            }
        }
    }

    @Test func invalidComponentsAreRefused() {
        #expect(RuleSchedule(days: [], startMinute: 0, endMinute: 60) == nil)
        #expect(RuleSchedule(days: .monday, startMinute: 60, endMinute: 60) == nil)
        #expect(RuleSchedule(days: .monday, startMinute: 1_440, endMinute: 60) == nil)
        #expect(RuleSchedule(days: .monday, startMinute: 0, endMinute: 1_441) == nil)
    }

    @Test func windowWithinOneDay() throws {
        let schedule = try RuleSchedule(parsing: "mon-fri 09:00-17:00")
        #expect(schedule.isInForce(weekday: 0, minuteOfDay: 540))
        #expect(schedule.isInForce(weekday: 4, minuteOfDay: 1_019))
        #expect(!schedule.isInForce(weekday: 4, minuteOfDay: 1_020))
        #expect(!schedule.isInForce(weekday: 0, minuteOfDay: 539))
        #expect(!schedule.isInForce(weekday: 5, minuteOfDay: 600))
    }

    @Test func windowPastMidnightBelongsToTheDayItStarts() throws {
        let schedule = try RuleSchedule(parsing: "mon-fri 18:00-08:00")
        #expect(schedule.isInForce(weekday: 0, minuteOfDay: 18 * 60))  // Monday 18:00
        #expect(schedule.isInForce(weekday: 1, minuteOfDay: 7 * 60 + 59))  // Tuesday 07:59
        #expect(!schedule.isInForce(weekday: 1, minuteOfDay: 8 * 60))  // Tuesday 08:00
        #expect(schedule.isInForce(weekday: 5, minuteOfDay: 7 * 60))  // Saturday 07:00 (Friday's night)
        #expect(!schedule.isInForce(weekday: 5, minuteOfDay: 18 * 60))  // Saturday evening
        #expect(!schedule.isInForce(weekday: 0, minuteOfDay: 60))  // Monday 01:00 belongs to Sunday
        #expect(!schedule.isInForce(weekday: 2, minuteOfDay: 12 * 60))  // Wednesday noon
    }

    @Test func sundayNightWrapsIntoMonday() throws {
        let schedule = try RuleSchedule(parsing: "sun 22:00-06:00")
        #expect(schedule.isInForce(weekday: 6, minuteOfDay: 23 * 60))
        #expect(schedule.isInForce(weekday: 0, minuteOfDay: 5 * 60))
        #expect(!schedule.isInForce(weekday: 0, minuteOfDay: 23 * 60))
    }

    @Test func judgedOnTheLocalClock() throws {
        let schedule = try RuleSchedule(parsing: "mon 09:00-10:00")
        // 2024-01-15 is a Monday; 07:30 UTC is 09:30 at +02:00 and 07:30 in UTC.
        let instant = Timestamp(secondsSinceEpoch: 1_705_303_800)
        #expect(schedule.isInForce(at: instant, in: .fixed(offsetSeconds: 7_200)))
        #expect(!schedule.isInForce(at: instant, in: .utc))
        // 2024-01-14 23:30 UTC (Sunday) is Monday 09:30 at +10:00.
        #expect(schedule.isInForce(at: Timestamp(secondsSinceEpoch: 1_705_275_000), in: .fixed(offsetSeconds: 36_000)))
    }

    @Test func weekdayIndexOfEpochDays() {
        #expect(Weekdays.index(ofDaysSinceEpoch: 0) == 3)  // 1970-01-01, Thursday
        #expect(Weekdays.index(ofDaysSinceEpoch: 19_737) == 0)  // 2024-01-15, Monday
        #expect(Weekdays.index(ofDaysSinceEpoch: -1) == 2)  // 1969-12-31, Wednesday
    }
}
