import CallModel
import HarassmentDetection
import Testing

/// The store's allow list and escalation resets, as the rules refresher hands them to the detector.
@Suite("store allow list and escalation resets")
struct CountingExemptionsTests {
    static func micros(_ offset: TimeSpan) -> Int64 { (Calls.start + offset).microsecondsSinceEpoch }

    @Test("a number on the store's allow list is not counted, like the configuration's; its end ends that")
    func storeAllowList() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let nurse = Calls.mobile(40)
        detector.apply(CountingExemptions(allowedNumbers: [nurse.value: Self.micros(.hours(3))]))
        #expect(detector.feed(Calls.burst(from: nurse, minutes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).isEmpty)
        #expect(detector.trackedKeyCount == 0)
        // After the entry's end the number counts again.
        #expect(detector.feed(Calls.burst(from: nurse, minutes: [240, 241, 242, 243, 244])).map(\.kind) == [.repeatCaller])
        // Another number was never covered.
        #expect(detector.feed(Calls.burst(from: Calls.mobile(41), minutes: [0, 1, 2, 3, 4])).map(\.kind) == [.repeatCaller])
    }

    @Test("allow rules derived from rules: unscoped, unscheduled allow rules on numbers and prefixes only")
    func fromRules() {
        let time = Calls.start
        let rules = [
            Rule(match: .number(Calls.mobile(42)), action: .allow, reason: "fp", createdBy: "cli:carol", createdAt: time),
            Rule(match: .number(Calls.mobile(43)), scope: "1001", action: .allow, reason: "one ext", createdBy: "x", createdAt: time),
            Rule(match: .number(Calls.mobile(44)), action: .block, reason: "b", createdBy: "x", createdAt: time),
            Rule(match: .prefix("44113496"), action: .allow, reason: "leeds office", createdBy: "x", createdAt: time),
        ]
        let exemptions = CountingExemptions(rules: rules, escalationResets: [:])
        #expect(exemptions.allowedNumbers == [Calls.mobile(42).value: Int64.max])
        #expect(exemptions.allowedPrefixes == ["44113496"])
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        detector.apply(exemptions)
        #expect(detector.feed(Calls.burst(from: Calls.leeds(7), minutes: [0, 1, 2, 3, 4])).isEmpty)
        #expect(detector.feed(Calls.burst(from: Calls.mobile(43), minutes: [0, 1, 2, 3, 4])).count == 1)
    }

    @Test("a reset forgets the offences: the next episode is offence 1 again, not a longer block")
    func resetForgetsOffences() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(45)
        let first = EscalationTests.episodes(&detector, of: caller, atHours: [0, 2])
        #expect(first.map(\.offence) == [1, 2])
        #expect(first.last?.action == .block)

        detector.apply(CountingExemptions(escalationResets: [caller.value: Self.micros(.hours(3))]))
        let after = EscalationTests.episodes(&detector, of: caller, atHours: [4])
        #expect(after.map(\.offence) == [1])
        #expect(after.map(\.action) == [.alert])

        // Applying the same reset again forgets nothing more.
        detector.apply(CountingExemptions(escalationResets: [caller.value: Self.micros(.hours(3))]))
        #expect(EscalationTests.episodes(&detector, of: caller, atHours: [6]).map(\.offence) == [2])
    }

    @Test("a warm-up after a reset ignores the calls before it, so a restart counts the same")
    func warmUpHonoursReset() {
        let caller = Calls.mobile(46)
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        detector.apply(CountingExemptions(escalationResets: [caller.value: Self.micros(.hours(3))]))
        // The stored history replayed in order: two episodes before the reset, none counted.
        let replayed = EscalationTests.episodes(&detector, of: caller, atHours: [0, 2])
        #expect(replayed.isEmpty)
        #expect(EscalationTests.episodes(&detector, of: caller, atHours: [4]).map(\.offence) == [1])
    }
}
