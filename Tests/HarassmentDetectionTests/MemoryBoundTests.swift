import CallModel
import HarassmentDetection
import Testing

@Suite("memory bounds")
struct MemoryBoundTests {
    /// 100 times as many callers as the cap: enough to show the bound holds while it evicts, and
    /// small enough that this CPU-bound test does not hold a thread of the tests' 2-thread
    /// cooperative pool for half a minute in a debug build.
    @Test("200,000 distinct callers never take more than the key cap")
    func manyCallers() {
        let cap = 2_000
        var detector = HarassmentDetector(
            configuration: .with {
                $0.maxTrackedKeys = cap
                $0.numberHopping.newNumberCapacity = 8_000
            }
        )
        var detections = 0
        var highest = 0
        for index in 0..<200_000 {
            let event = Calls.cdr(from: Calls.spare(index), to: "1001", at: .seconds(Int64(index)), id: "c\(index)")
            detections += detector.observe(event, isNewCall: true).count
            if index % 10_000 == 0 { highest = max(highest, detector.trackedKeyCount) }
        }
        let counts = detector.trackedKeyCounts
        #expect(detections == 0)
        #expect(detector.trackedKeyCount <= cap)
        #expect(highest <= cap)
        #expect(counts.repeatCaller == cap)
        #expect(counts.stalking == cap)
        #expect(counts.numberHopping == 1)
        #expect(counts.seenNumbers <= 8_000)
    }

    @Test("an evicted caller forgets its count")
    func evictionForgets() {
        var detector = HarassmentDetector(configuration: .with { $0.maxTrackedKeys = 2 })
        let persistent = Calls.mobile(50)
        var events = Calls.burst(from: persistent, minutes: [0, 1, 2, 3])
        // Two other callers push the least recently seen identity out.
        events += [Calls.cdr(from: Calls.mobile(51), at: .minutes(4)), Calls.cdr(from: Calls.mobile(52), at: .minutes(5))]
        events += Calls.burst(from: persistent, minutes: [6])
        #expect(detector.feed(events).isEmpty)
        #expect(detector.trackedKeyCounts.repeatCaller == 2)
    }

    @Test("the most recently seen callers survive eviction")
    func recentCallersSurvive() {
        var detector = HarassmentDetector(configuration: .with { $0.maxTrackedKeys = 2 })
        let persistent = Calls.mobile(53)
        var events = Calls.burst(from: persistent, minutes: [0, 1, 2])
        events += [Calls.cdr(from: Calls.mobile(54), at: .minutes(3))]
        events += Calls.burst(from: persistent, minutes: [4])
        events += [Calls.cdr(from: Calls.mobile(55), at: .minutes(5))]
        events += Calls.burst(from: persistent, minutes: [6])
        #expect(detector.feed(events).map(\.kind) == [.repeatCaller])
    }

    @Test("tick drops state that can no longer matter and keeps what still can")
    func tickSweeps() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(56)
        _ = detector.feed(Calls.burst(from: caller, minutes: [0, 1, 2, 3]))
        _ = detector.feed([Calls.withheld(at: .minutes(3))])
        detector.tick(now: Calls.start + .minutes(20))
        #expect(detector.feed(Calls.burst(from: caller, minutes: [20])).map(\.kind) == [.repeatCaller])

        detector.tick(now: Calls.start + .days(40))
        let counts = detector.trackedKeyCounts
        #expect(counts.repeatCaller == 0)
        #expect(counts.stalking == 0)
        #expect(counts.anonymous == 0)
        #expect(counts.numberHopping == 0)
        #expect(counts.offenders == 0)
        #expect(detector.trackedKeyCount == 0)
    }
}
