import CallModel
import HarassmentDetection
import Testing

@Suite("determinism")
struct DeterminismTests {
    /// A day of mixed traffic: a repeat caller, a stalker, withheld calls, number-hopping, ticks.
    static func run() -> [Detection] {
        var detector = HarassmentDetector(configuration: .with { $0.knownCustomers = [Calls.mobile(61)] })
        var detections: [Detection] = []
        var events = Calls.burst(from: Calls.mobile(60), minutes: Array(0..<12))
        events += Calls.burst(from: Calls.mobile(61), to: "1002", minutes: [100, 101, 102, 103, 104])
        events += Calls.burst(from: Calls.mobile(61), to: "1002", minutes: [200, 201, 202, 203, 204])
        events += (0..<5).map { Calls.cdr(from: Calls.london(60), to: "1003", at: .days(Int64($0)) + .hours(2)) }
        events += (0..<4).map { Calls.withheld(to: "1004", at: .minutes(300 + Int64($0))) }
        events += [Calls.cdr(from: Calls.leeds(60), to: "2001", at: .days(-3))]
        events += (0..<6).map {
            Calls.cdr(from: Calls.mobile(70 + $0), to: "2001", at: .minutes(400 + 5 * Int64($0)), talk: .seconds(3))
        }
        for (index, event) in events.sorted(by: { $0.countedTime < $1.countedTime }).enumerated() {
            detections += detector.observe(event, isNewCall: true)
            if index % 7 == 0 { detector.tick(now: event.countedTime) }
        }
        return detections
    }

    @Test("the same events give the same detections")
    func sameEventsSameDetections() {
        let first = Self.run()
        let second = Self.run()
        #expect(first == second)
        #expect(Set(first.map(\.kind)) == Set(DetectionKind.allCases))
    }
}
