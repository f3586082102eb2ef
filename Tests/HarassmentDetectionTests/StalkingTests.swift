import CallModel
import HarassmentDetection
import Testing

@Suite("stalking")
struct StalkingTests {
    /// One call every two hours from 09:00 on `day`: spread out, never a burst.
    static func spreadCalls(from caller: E164Number, to callee: String = "1001", day: Int64, count: Int) -> [CallEvent] {
        (0..<count).map { Calls.cdr(from: caller, to: callee, at: .days(day) + .hours(Int64($0) * 2)) }
    }

    @Test("eight calls to one extension over two days")
    func eightCallsOverTwoDays() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(10)
        let events = Self.spreadCalls(from: caller, day: 0, count: 4) + Self.spreadCalls(from: caller, day: 1, count: 4)
        let detections = detector.feed(events)

        #expect(detections.count == 1)
        let detection = try #require(detections.first)
        #expect(detection.kind == .stalking)
        #expect(detection.caller == caller)
        #expect(detection.target == "1001")
        #expect(detection.calls == 8)
        #expect(detection.first == Calls.start)
        #expect(detection.last == events.last?.countedTime)
        #expect(detection.action == .alert)
    }

    @Test("calls on four distinct days, one a day")
    func fourDistinctDays() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(11)
        let events = (0..<4).map { Calls.cdr(from: caller, at: .days(Int64($0))) }
        let detections = detector.feed(events)
        #expect(detections.map(\.kind) == [.stalking])
        #expect(detections.first?.calls == 4)
    }

    @Test("seven calls on three days are not enough")
    func sevenCallsOnThreeDays() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(12)
        let events = Self.spreadCalls(from: caller, day: 0, count: 3) + Self.spreadCalls(from: caller, day: 1, count: 2)
            + Self.spreadCalls(from: caller, day: 2, count: 2)
        #expect(detector.feed(events).isEmpty)
    }

    @Test("calls to different extensions are counted apart")
    func perExtension() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(13)
        let events = Self.spreadCalls(from: caller, to: "1001", day: 0, count: 4)
            + Self.spreadCalls(from: caller, to: "1002", day: 1, count: 4)
        #expect(detector.feed(events).isEmpty)
    }

    @Test("bursts are repeat-caller episodes and never stalking evidence")
    func burstIsNotStalking() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(14)
        // Two daily bursts of six calls: counting the first four of each would make eight over two days.
        let events = Calls.burst(from: caller, day: 0, minutes: [0, 4, 8, 12, 16, 20])
            + Calls.burst(from: caller, day: 1, minutes: [0, 4, 8, 12, 16, 20])
            + [Calls.cdr(from: caller, at: .days(2))]
        let detections = detector.feed(events)
        #expect(!detections.contains { $0.kind == .stalking })
        #expect(Set(detections.filter { $0.kind == .repeatCaller }.map(\.episodeKey)).count == 2)
    }

    @Test("days are local days of the configured zone")
    func localDays() {
        // 21:30, 22:30 UTC on day 0 and 22:30 UTC on days 1 and 2: three UTC days, but four days at +02:00.
        let offsets: [TimeSpan] = [
            .hours(12) + .minutes(30), .hours(13) + .minutes(30),
            .days(1) + .hours(13) + .minutes(30), .days(2) + .hours(13) + .minutes(30),
        ]
        let events = offsets.map { Calls.cdr(from: Calls.mobile(15), at: $0) }

        var inUTC = HarassmentDetector(configuration: DetectionConfiguration())
        #expect(inUTC.feed(events).isEmpty)

        var inHelsinkiWinter = HarassmentDetector(
            configuration: .with { $0.timeZone = .fixed(offsetSeconds: 7_200) }
        )
        #expect(inHelsinkiWinter.feed(events).map(\.kind) == [.stalking])
    }
}
