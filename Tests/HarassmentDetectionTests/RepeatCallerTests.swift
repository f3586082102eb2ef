import CallModel
import HarassmentDetection
import Testing

@Suite("repeat-caller")
struct RepeatCallerTests {
    @Test("five calls within 30 minutes open an episode with every call counted")
    func fiveCallsInThirtyMinutes() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(1)
        let events = Calls.burst(from: caller, minutes: [0, 7, 14, 21])
            + [Calls.cdr(from: caller, to: "1002", at: .minutes(30))]
        let detections = detector.feed(events)

        #expect(detections.count == 1)
        let detection = try #require(detections.first)
        #expect(detection.kind == .repeatCaller)
        #expect(detection.caller == caller)
        #expect(detection.callers == [caller])
        #expect(detection.target == "1001")
        #expect(detection.calls == 5)
        #expect(detection.first == Calls.start)
        #expect(detection.last == Calls.start + .minutes(30))
        #expect(detection.action == .alert)
        #expect(detection.actionExpires == nil)
        #expect(detection.offence == 1)
        #expect(detection.callIDs == events.map(\.callID))
    }

    @Test("four calls within 30 minutes are not enough")
    func fourCalls() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        #expect(detector.feed(Calls.burst(from: Calls.mobile(1), minutes: [0, 5, 10, 15])).isEmpty)
    }

    @Test("five calls spread over 31 minutes are not enough")
    func fiveCallsInThirtyOneMinutes() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        #expect(detector.feed(Calls.burst(from: Calls.mobile(1), minutes: [0, 8, 16, 24, 31])).isEmpty)
    }

    @Test("the target is the extension called most, a tie going to the most recent")
    func targetIsMostCalled() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(2)
        let events = [
            Calls.cdr(from: caller, to: "1001", at: .minutes(0)),
            Calls.cdr(from: caller, to: "1002", at: .minutes(1)),
            Calls.cdr(from: caller, to: "1001", at: .minutes(2)),
            Calls.cdr(from: caller, to: "1002", at: .minutes(3)),
            Calls.cdr(from: caller, to: "1003", at: .minutes(4)),
        ]
        #expect(detector.feed(events).map(\.target) == ["1002"])
    }

    @Test("a withheld caller with a network-asserted identity is counted by that identity")
    func assertedIdentity() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let asserted = Calls.london(7)
        let caller = CallerIdentity(raw: "anonymous", assertedIdentity: asserted, presentationRestricted: true)
        let events = (0..<5).map {
            Calls.record(caller, to: "1001", at: .minutes(Int64($0)), talk: .seconds(10), id: nil)
        }
        let detections = detector.feed(events)
        #expect(detections.map(\.kind) == [.repeatCaller])
        #expect(detections.first?.caller == asserted)
    }

    @Test("internal callers are never counted")
    func internalCallers() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let colleague = CallerIdentity(raw: "2001", internalExtension: "2001")
        let events = (0..<10).map {
            Calls.record(colleague, to: "1001", at: .minutes(Int64($0)), talk: .seconds(0), id: nil)
        }
        #expect(detector.feed(events).isEmpty)
        #expect(detector.trackedKeyCount == 0)
    }

    @Test("a SIP call counts once: at its first event, not again at its end")
    func sipPhasesCountOnce() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(3)
        var detections: [Detection] = []
        for minute in 0..<5 {
            let ended = Calls.cdr(from: caller, at: .minutes(Int64(minute)), id: "sip-\(minute)")
            var started = ended
            started.phase = .started
            started.disposition = nil
            started.time = ended.countedTime
            detections += detector.observe(started, isNewCall: true)
            var ringing = started
            ringing.phase = .ringing
            detections += detector.observe(ringing, isNewCall: false)
            detections += detector.observe(ended, isNewCall: false)
        }
        #expect(detections.count == 1)
        #expect(detections.first?.calls == 5)
        #expect(detections.first?.callIDs == (0..<5).map { "sip-\($0)" })
    }
}
