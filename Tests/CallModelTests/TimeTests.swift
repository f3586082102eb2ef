import CallModel
import Testing

struct TimeTests {
    @Test func civilTimeRoundTripsThroughTimestamps() {
        let civil = CivilDateTime(year: 2024, month: 1, day: 15, hour: 14, minute: 30, second: 22)
        let instant = civil.timestamp(utcOffsetSeconds: 0)
        #expect(instant.secondsSinceEpoch == 1_705_329_022)
        #expect(CivilDateTime(utc: instant) == civil)
        #expect(instant.rfc3339 == "2024-01-15T14:30:22Z")
    }

    @Test func localTimeWithAnOffsetBecomesUTC() {
        let civil = CivilDateTime(year: 2024, month: 1, day: 15, hour: 14, minute: 30, second: 22)
        #expect(LocalTimeZone.fixed(offsetSeconds: 7_200).timestamp(for: civil).rfc3339 == "2024-01-15T12:30:22Z")
        #expect(LocalTimeZone.fixed(offsetSeconds: 7_200).name == "+02:00")
    }

    @Test(arguments: [
        (1_970, 1, 1, 0), (2_000, 2, 29, 11_016), (1_969, 12, 31, -1), (2_400, 3, 1, 157_114),
    ])
    func daysSinceEpoch(_ year: Int, _ month: Int, _ day: Int, _ expected: Int64) {
        #expect(CivilDateTime(year: year, month: month, day: day).daysSinceEpoch == expected)
    }

    @Test func validatesCalendarFields() {
        #expect(!CivilDateTime(year: 2023, month: 2, day: 29).isValid)
        #expect(CivilDateTime(year: 2024, month: 2, day: 29).isValid)
        #expect(!CivilDateTime(year: 2024, month: 13, day: 1).isValid)
        #expect(!CivilDateTime(year: 2024, month: 1, day: 1, hour: 24).isValid)
    }

    @Test func microsecondsAndNegativeTimesFormat() {
        #expect(Timestamp(microsecondsSinceEpoch: 1_500_000).rfc3339 == "1970-01-01T00:00:01.500000Z")
        #expect(Timestamp(microsecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999999Z")
    }

    @Test(arguments: [("45s", 45), ("30m", 1_800), ("12h", 43_200), ("7d", 604_800), ("2w", 1_209_600), ("90", 90)])
    func parsesDurations(_ text: String, _ seconds: Int64) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "m", "30x", "-5m", "1.5h", "99999999999999d"])
    func rejectsBadDurations(_ text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }
}
