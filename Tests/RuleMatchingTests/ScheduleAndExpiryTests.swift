import CallModel
import RuleMatching
import Testing

struct ScheduleAndExpiryTests {
    typealias F = RuleFixtures
    static let caller = F.caller("+442079460123")
    static let hour: Int64 = 3_600
    /// Monday 2024-01-15 00:00 UTC.
    static let mondayMidnight = Timestamp(secondsSinceEpoch: 1_705_276_800)

    static func at(dayOffset: Int64, _ hour: Int64, _ minute: Int64 = 0, from base: Timestamp = mondayMidnight) -> Timestamp {
        base + .seconds(dayOffset * 86_400 + hour * 3_600 + minute * 60)
    }

    @Test func nightWindowWrapsPastMidnightAndFollowsTheDays() {
        let snapshot = F.compile([F.rule(1, .prefix("44"), schedule: F.schedule("mon-fri 18:00-08:00"))], at: Self.mondayMidnight)
        let cases: [(Timestamp, Bool, String)] = [
            (Self.at(dayOffset: 0, 1), false, "Monday 01:00 belongs to Sunday's (absent) window"),
            (Self.at(dayOffset: 0, 17, 59), false, "Monday 17:59"),
            (Self.at(dayOffset: 0, 18), true, "Monday 18:00"),
            (Self.at(dayOffset: 0, 23, 59), true, "Monday 23:59"),
            (Self.at(dayOffset: 1, 0), true, "Tuesday 00:00"),
            (Self.at(dayOffset: 1, 7, 59), true, "Tuesday 07:59"),
            (Self.at(dayOffset: 1, 8), false, "Tuesday 08:00"),
            (Self.at(dayOffset: 5, 7, 59), true, "Saturday 07:59 (Friday's night)"),
            (Self.at(dayOffset: 5, 18), false, "Saturday 18:00"),
            (Self.at(dayOffset: 6, 23), false, "Sunday 23:00"),
        ]
        for (time, inForce, label) in cases {
            #expect((snapshot.decidingRule(Self.caller, at: time) == 1) == inForce, "\(label)")
        }
    }

    @Test func windowIsJudgedInTheDeploymentsZone() {
        // Helsinki in winter: +02:00. 09:00-10:00 local is 07:00-08:00 UTC.
        let zone = LocalTimeZone.fixed(offsetSeconds: 7_200)
        let snapshot = F.compile(
            [F.rule(1, .prefix("44"), schedule: F.schedule("mon 09:00-10:00"))], at: Self.mondayMidnight, zone: zone)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 0, 7, 30)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 0, 9, 30)) == nil)
        // Sunday 23:30 UTC is Monday 01:30 local: a day boundary crossed by the offset.
        let lateSunday = F.compile(
            [F.rule(1, .prefix("44"), schedule: F.schedule("mon 01:00-02:00"))], at: Self.mondayMidnight, zone: zone)
        #expect(lateSunday.decidingRule(Self.caller, at: Self.at(dayOffset: -1, 23, 30)) == 1)
    }

    @Test func offsetChangeInsideTheWindowIsFollowed() {
        // A zone that moves from +02:00 to +03:00 at Wednesday 2024-01-17 01:00 UTC.
        let change = Timestamp(secondsSinceEpoch: 1_705_453_200)
        let zone = LocalTimeZone(name: "test-dst") { civil in
            civil.timestamp(utcOffsetSeconds: 7_200) < change ? 7_200 : 10_800
        }
        let snapshot = F.compile(
            [F.rule(1, .prefix("44"), schedule: F.schedule("daily 12:00-13:00"))], at: Self.mondayMidnight, zone: zone)
        // Tuesday: 12:30 local is 10:30 UTC. Thursday: 12:30 local is 09:30 UTC.
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 1, 10, 30)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 1, 9, 30)) == nil)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 3, 9, 30)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 3, 10, 30)) == nil)
    }

    @Test func instantsOutsideTheOffsetWindowUseItsEdge() {
        let zone = LocalTimeZone.fixed(offsetSeconds: -18_000)
        let snapshot = F.compile(
            [F.rule(1, .prefix("44"), schedule: F.schedule("daily 09:00-10:00"))], at: Self.mondayMidnight, zone: zone)
        // 100 days later and 100 days earlier, 14:30 UTC is 09:30 at -05:00.
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 100, 14, 30)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: -100, 14, 30)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 100, 9, 30)) == nil)
    }

    @Test func scheduledAndAlwaysRulesOfOneKeyTakeTurns() {
        let snapshot = F.compile([
            F.rule(1, F.exact("+442079460123"), .allow, schedule: F.schedule("mon-fri 09:00-17:00")),
            F.rule(2, F.exact("+442079460123"), .block),
        ])
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 0, 10)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 0, 20)) == 2)
        #expect(snapshot.decidingRule(Self.caller, at: Self.at(dayOffset: 5, 10)) == 2)
    }

    @Test func expiryIsJudgedAtDecisionTimeNotCompileTime() {
        let expiry = F.monday + .hours(1)
        let snapshot = F.compile([
            F.rule(1, F.exact("+442079460123"), .block, expiresAt: expiry),
            F.rule(2, .prefix("4420"), .flag),
        ])
        #expect(snapshot.decidingRule(Self.caller, at: expiry - .seconds(1)) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: expiry) == 2)
        #expect(snapshot.decidingRule(Self.caller, at: expiry + .days(1)) == 2)
    }

    @Test func rulesExpiredAtCompileTimeAreDroppedAndCounted() {
        let compilation = RuleSnapshotCompiler(timeZone: .utc).compile(
            [
                F.rule(1, F.exact("+442079460123"), expiresAt: F.monday - .seconds(1)),
                F.rule(2, F.exact("+442079460124"), expiresAt: F.monday + .days(1)),
            ], at: F.monday)
        #expect(compilation.expiredDropped == 1)
        #expect(compilation.rejected.isEmpty)
        #expect(compilation.snapshot.statistics.rules == 1)
    }

    @Test func expiredScopedRuleFallsBackToGlobal() {
        let snapshot = F.compile([
            F.rule(1, F.exact("+442079460123"), .allow, scope: "1001", expiresAt: F.monday + .hours(1)),
            F.rule(2, .prefix("44"), .block),
        ])
        #expect(snapshot.decidingRule(Self.caller, at: F.monday) == 1)
        #expect(snapshot.decidingRule(Self.caller, at: F.monday + .hours(2)) == 2)
    }
}
