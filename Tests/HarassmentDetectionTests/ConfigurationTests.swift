import CallModel
import HarassmentDetection
import Testing

@Suite("configuration")
struct ConfigurationTests {
    @Test("the defaults are the documented office-switchboard values and have no problems")
    func defaults() {
        let configuration = DetectionConfiguration()
        #expect(configuration.problems.isEmpty)
        #expect(configuration.repeatCaller.threshold == 5 && configuration.repeatCaller.window == .minutes(30))
        #expect(configuration.stalking.threshold == 8 && configuration.stalking.window == .days(7))
        #expect(configuration.anonymous.threshold == 3)
        #expect(configuration.numberHopping.distinctNumbers == 4 && configuration.numberHopping.window == .minutes(60))
        #expect(configuration.escalation.ladder == [.alert, .block])
        #expect(configuration.maxTrackedKeys == 250_000)
    }

    @Test("out-of-range values are reported, and the detector clamps them instead of trapping")
    func problems() {
        let configuration = DetectionConfiguration.with {
            $0.repeatCaller.threshold = 0
            $0.escalation.ladder = []
            $0.allowList.prefixes = ["+44x"]
        }
        #expect(configuration.problems.count == 3)
        var detector = HarassmentDetector(configuration: configuration)
        let detections = detector.feed([Calls.cdr(from: Calls.mobile(90), at: .minutes(0))])
        #expect(detections.map(\.kind) == [.repeatCaller])
        #expect(detections.map(\.action) == [.alert])
    }
}
