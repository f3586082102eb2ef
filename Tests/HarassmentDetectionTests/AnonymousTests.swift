import CallModel
import HarassmentDetection
import Testing

@Suite("anonymous")
struct AnonymousTests {
    @Test("two unidentified calls to one extension are not enough")
    func twoCalls() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        #expect(detector.feed([Calls.withheld(at: .minutes(0)), Calls.withheld(at: .minutes(10))]).isEmpty)
    }

    @Test("three unidentified calls within 30 minutes")
    func threeCalls() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let events = [Calls.withheld(at: .minutes(0)), Calls.withheld(at: .minutes(10)), Calls.withheld(at: .minutes(20))]
        let detections = detector.feed(events)
        #expect(detections.count == 1)
        let detection = try #require(detections.first)
        #expect(detection.kind == .anonymous)
        #expect(detection.caller == nil)
        #expect(detection.callers.isEmpty)
        #expect(detection.target == "1001")
        #expect(detection.calls == 3)
        #expect(detection.first == Calls.start)
        #expect(detection.action == .alert)
    }

    @Test("three unidentified calls spread over 31 minutes are not enough")
    func spreadOut() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let events = [Calls.withheld(at: .minutes(0)), Calls.withheld(at: .minutes(16)), Calls.withheld(at: .minutes(31))]
        #expect(detector.feed(events).isEmpty)
    }

    @Test("unidentified calls to different extensions are counted apart")
    func perExtension() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let events = [
            Calls.withheld(to: "1001", at: .minutes(0)), Calls.withheld(to: "1002", at: .minutes(1)),
            Calls.withheld(to: "1003", at: .minutes(2)),
        ]
        #expect(detector.feed(events).isEmpty)
    }
}

@Suite("out-of-order events")
struct OutOfOrderTests {
    @Test("CDRs written at call end still count at call start: a long call's record may come last")
    func recordsInEndOrder() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let long = Calls.record(
            CallerIdentity(raw: "anonymous", presentationRestricted: true), to: "1001", at: .minutes(0),
            talk: .minutes(20), id: "long"
        )
        let events = [Calls.withheld(at: .minutes(5)), Calls.withheld(at: .minutes(10)), long]
        let detections = detector.feed(events.sorted { $0.time < $1.time })
        #expect(detections.count == 1)
        let detection = try #require(detections.first)
        #expect(detection.calls == 3)
        #expect(detection.first == Calls.start)
        #expect(detection.last == Calls.start + .minutes(10))
    }
}
