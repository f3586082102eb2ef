import CallModel
import HarassmentDetection
import Testing

@Suite("allow list and known customers")
struct AllowListAndCustomerTests {
    static let tenQuickCalls: [Int64] = Array(0..<10)

    @Test("allow-listed numbers, prefixes and extensions are never counted or flagged")
    func allowList() {
        var detector = HarassmentDetector(
            configuration: .with {
                $0.allowList = .init(numbers: [Calls.mobile(20)], prefixes: ["+44113496"], extensions: ["1999", "0123"])
            }
        )
        var events = Calls.burst(from: Calls.mobile(20), minutes: Self.tenQuickCalls)
        events += Calls.burst(from: Calls.leeds(5), minutes: Self.tenQuickCalls)
        events += Calls.burst(from: Calls.mobile(21), to: "1999", minutes: Self.tenQuickCalls)
        events += (0..<5).map { Calls.withheld(to: "1999", at: .minutes(Int64($0))) }
        #expect(detector.feed(events).isEmpty)
        #expect(detector.trackedKeyCount == 0)

        // Neither the prefix nor the extension "0123" covers more than it says.
        let control = Calls.burst(from: Calls.london(5), minutes: [0, 1, 2, 3, 4])
            + (0..<3).map { Calls.withheld(to: "123", at: .minutes(Int64($0))) }
        #expect(detector.feed(control).map(\.kind) == [.repeatCaller, .anonymous])
    }

    @Test("a known customer's block step becomes ops review")
    func customerGetsReview() {
        let customer = Calls.mobile(22)
        var detector = HarassmentDetector(configuration: .with { $0.knownCustomers = [customer] })
        let first = detector.feed(Calls.burst(from: customer, minutes: [0, 1, 2, 3, 4]))
        let second = detector.feed(Calls.burst(from: customer, minutes: [60, 61, 62, 63, 64]))

        #expect(first.map(\.action) == [.alert])
        #expect(second.map(\.action) == [.review])
        #expect(second.map(\.offence) == [2])
        #expect(second.first?.actionExpires == nil)
    }

    @Test("a customer who reaches twice the threshold in one episode also gets review, not block")
    func customerStepUp() {
        let customer = Calls.mobile(23)
        var detector = HarassmentDetector(configuration: .with { $0.knownCustomers = [customer] })
        let detections = detector.feed(Calls.burst(from: customer, minutes: Self.tenQuickCalls))
        #expect(detections.last?.calls == 10)
        #expect(detections.last?.action == .review)
        #expect(!detections.contains { $0.action == .block })
    }
}
