import CallModel
import HarassmentDetection
import Testing

@Suite("escalation")
struct EscalationTests {
    /// Opens one repeat-caller episode per entry of `hours` (five calls in four minutes from that hour)
    /// and returns each episode's opening detection.
    static func episodes(_ detector: inout HarassmentDetector, of caller: E164Number, atHours hours: [Int64])
        -> [Detection]
    {
        hours.compactMap { hour in
            detector.feed(Calls.burst(from: caller, minutes: (0..<5).map { hour * 60 + $0 })).first
        }
    }

    @Test("the ladder climbs per offence and block durations double up to the cap")
    func ladderAndDoubling() {
        var detector = HarassmentDetector(configuration: .with { $0.escalation.blockMax = .hours(72) })
        let opened = Self.episodes(&detector, of: Calls.mobile(30), atHours: [0, 2, 4, 6, 8])

        #expect(opened.map(\.offence) == [1, 2, 3, 4, 5])
        #expect(opened.map(\.action) == [.alert, .block, .block, .block, .block])
        let durations = opened.map { detection in detection.actionExpires.map { ($0 - detection.last).seconds / 3_600 } }
        #expect(durations == [nil, 24, 48, 72, 72])
    }

    @Test("offences older than the re-offence memory are forgotten")
    func reoffenceMemory() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let opened = Self.episodes(&detector, of: Calls.mobile(31), atHours: [0, 2, 31 * 24])
        #expect(opened.map(\.offence) == [1, 2, 1])
        #expect(opened.map(\.action) == [.alert, .block, .alert])
    }

    @Test("a cautious ladder starts with watch")
    func watchFirst() {
        var detector = HarassmentDetector(configuration: .with { $0.escalation.ladder = [.watch, .alert, .block] })
        let opened = Self.episodes(&detector, of: Calls.mobile(32), atHours: [0, 2, 4, 6])
        #expect(opened.map(\.action) == [.watch, .alert, .block, .block])
        #expect(opened[2].actionExpires == opened[2].last + .hours(24))
        #expect(opened[3].actionExpires == opened[3].last + .hours(48))
    }

    @Test("twice the threshold within one episode moves it one step up")
    func stepUpWithinEpisode() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let updates = detector.feed(Calls.burst(from: Calls.mobile(33), minutes: Array(0..<12)))
        #expect(updates.map(\.calls) == Array(5...12))
        #expect(updates.map(\.action) == [.alert, .alert, .alert, .alert, .alert, .block, .block, .block])
        #expect(updates[5].actionExpires == Calls.start + .minutes(9) + .hours(24))
        #expect(updates[7].actionExpires == updates[5].actionExpires)
        #expect(Set(updates.map(\.episodeKey)).count == 1)
    }

    @Test("unidentified callers are redirected, not blocked")
    func anonymousRedirect() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let first = detector.feed((0..<3).map { Calls.withheld(at: .minutes(Int64($0))) })
        let second = detector.feed((0..<3).map { Calls.withheld(at: .hours(2) + .minutes(Int64($0))) })
        #expect(first.map(\.action) == [.alert])
        #expect(second.map(\.action) == [.redirect])
        #expect(second.first?.offence == 2)
        #expect(second.first?.actionExpires == Calls.start + .hours(2) + .minutes(2) + .hours(24))
    }

    @Test("stalking and repeat-caller episodes of one identity share its offence count")
    func sharedOffender() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(34)
        let repeatEpisode = detector.feed(Calls.burst(from: caller, to: "1002", minutes: [0, 1, 2, 3, 4]))
        let stalking = detector.feed((1...4).map { Calls.cdr(from: caller, to: "1001", at: .days(Int64($0))) })
        #expect(repeatEpisode.map(\.offence) == [1])
        #expect(stalking.map(\.kind) == [.stalking])
        #expect(stalking.map(\.offence) == [2])
        #expect(stalking.map(\.action) == [.block])
    }
}
