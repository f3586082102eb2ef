import CallModel
import HarassmentDetection
import Testing

@Suite("number-hopping")
struct NumberHoppingTests {
    /// An ordinary answered call to `callee` `before` ``Calls/start``: the extension's first call.
    static func history(of callee: String, before: TimeSpan) -> CallEvent {
        Calls.cdr(from: Calls.london(1), to: callee, at: before * -1, talk: .minutes(4))
    }

    /// Short or unanswered calls from each of `callers`, ten minutes apart from ``Calls/start``.
    static func surge(to callee: String, from callers: [E164Number], talk: TimeSpan = .seconds(5)) -> [CallEvent] {
        callers.enumerated().map { index, caller in
            let outcome = index.isMultiple(of: 2) ? talk : .seconds(0)
            return Calls.cdr(from: caller, to: callee, at: .minutes(Int64(index) * 10), talk: outcome)
        }
    }

    static let hoppers = [Calls.mobile(113), Calls.mobile(110), Calls.mobile(112), Calls.mobile(111)]

    @Test("never-seen numbers making short calls to a personal extension")
    func personalExtension() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        #expect(detector.feed([Self.history(of: "2001", before: .days(2))]).isEmpty)
        let detections = detector.feed(Self.surge(to: "2001", from: Self.hoppers))

        #expect(detections.count == 1)
        let detection = try #require(detections.first)
        #expect(detection.kind == .numberHopping)
        #expect(detection.caller == nil)
        #expect(detection.callers == Self.hoppers.sorted())
        #expect(detection.callers.map(\.value) == [447_700_900_110, 447_700_900_111, 447_700_900_112, 447_700_900_113])
        #expect(detection.target == "2001")
        #expect(detection.calls == 4)
        #expect(detection.first == Calls.start)
        #expect(detection.action == .alert)
    }

    @Test("a busy queue whose every hour looks like a surge is not flagged")
    func busyQueueBaseline() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        var detections: [Detection] = []
        var next = 0
        // Six strangers an hour for two days, short or unanswered calls, then an hour with eight.
        for hour in -48..<0 {
            for slot in 0..<6 {
                let offset = TimeSpan.hours(Int64(hour)) + .minutes(Int64(slot) * 10)
                detections += detector.feed([Calls.cdr(from: Calls.spare(next), to: "3000", at: offset, talk: .seconds(20))])
                next += 1
            }
        }
        let surge = (0..<8).map { Calls.spare(next + $0) }
        detections += detector.feed(Self.surge(to: "3000", from: surge))
        #expect(detections.isEmpty)

        // The same eight strangers' pattern on a quiet personal extension is flagged.
        var control = HarassmentDetector(configuration: DetectionConfiguration())
        _ = control.feed([Self.history(of: "2002", before: .days(2))])
        #expect(control.feed(Self.surge(to: "2002", from: surge)).map(\.kind).contains(.numberHopping))
    }

    @Test("service extensions are never flagged")
    func serviceExtension() {
        var detector = HarassmentDetector(
            configuration: .with { $0.numberHopping.serviceExtensions = ["2001"] }
        )
        _ = detector.feed([Self.history(of: "2001", before: .days(2))])
        #expect(detector.feed(Self.surge(to: "2001", from: Self.hoppers)).isEmpty)
    }

    @Test("an extension with less than 24 hours of history is not flagged")
    func insufficientHistory() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        _ = detector.feed([Self.history(of: "2001", before: .hours(2))])
        #expect(detector.feed(Self.surge(to: "2001", from: Self.hoppers)).isEmpty)
    }

    @Test("long answered calls from new numbers are ordinary business")
    func longAnsweredCalls() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        _ = detector.feed([Self.history(of: "2001", before: .days(2))])
        let events = Self.hoppers.enumerated().map { index, caller in
            Calls.cdr(from: caller, to: "2001", at: .minutes(Int64(index) * 10), talk: .minutes(5))
        }
        #expect(detector.feed(events).isEmpty)
    }

    @Test("numbers that called the organisation before are not new")
    func knownNumbers() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        _ = detector.feed([Self.history(of: "2001", before: .days(2))])
        _ = detector.feed(Self.hoppers.map { Calls.cdr(from: $0, to: "1500", at: .days(-6)) })
        #expect(detector.feed(Self.surge(to: "2001", from: Self.hoppers)).isEmpty)
    }

    @Test("three new numbers are not enough")
    func threeNumbers() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        _ = detector.feed([Self.history(of: "2001", before: .days(2))])
        #expect(detector.feed(Self.surge(to: "2001", from: Array(Self.hoppers.prefix(3)))).isEmpty)
    }

    @Test("the outcome is read from the terminal event of a SIP call")
    func terminalEvents() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        _ = detector.feed([Self.history(of: "2001", before: .days(2))])
        var detections: [Detection] = []
        for ended in Self.surge(to: "2001", from: Self.hoppers) {
            var started = ended
            started.phase = .started
            started.disposition = nil
            started.talkTime = nil
            started.time = ended.countedTime
            detections += detector.observe(started, isNewCall: true)
            detections += detector.observe(ended, isNewCall: false)
        }
        #expect(detections.map(\.kind) == [.numberHopping])
    }
}
