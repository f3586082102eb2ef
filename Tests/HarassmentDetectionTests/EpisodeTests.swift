import CallModel
import HarassmentDetection
import Testing

@Suite("episodes")
struct EpisodeTests {
    @Test("later qualifying calls extend the episode; after a quiet window a new one opens")
    func extensionAndEnding() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(40)
        let opening = detector.feed(Calls.burst(from: caller, minutes: [0, 2, 4, 6, 8]))
        let extended = detector.feed(Calls.burst(from: caller, minutes: [10]))
        // Quiet from minute 10 to 60: the next five calls are a new episode (a re-offence).
        let next = detector.feed(Calls.burst(from: caller, minutes: [60, 62, 64, 66, 68]))

        let first = try #require(opening.first)
        let update = try #require(extended.first)
        let second = try #require(next.first)
        #expect(opening.count == 1 && extended.count == 1 && next.count == 1)
        #expect(update.episodeKey == first.episodeKey)
        #expect(update.calls == 6)
        #expect(update.first == Calls.start)
        #expect(update.last == Calls.start + .minutes(10))
        #expect(update.callIDs.count == 6)
        #expect(second.episodeKey != first.episodeKey)
        #expect(second.first == Calls.start + .minutes(60))
        #expect(second.calls == 5)
        #expect(second.offence == 2)
    }

    @Test("a call that does not reach the threshold neither extends nor reopens the episode")
    func nonQualifyingCall() {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let caller = Calls.mobile(41)
        _ = detector.feed(Calls.burst(from: caller, minutes: [0, 1, 2, 3, 4]))
        #expect(detector.feed(Calls.burst(from: caller, minutes: [50])).isEmpty)
    }

    @Test("a detection keeps the newest 50 call ids")
    func callIDsAreBounded() throws {
        var detector = HarassmentDetector(configuration: DetectionConfiguration())
        let events = (0..<60).map { Calls.cdr(from: Calls.mobile(42), at: .seconds(Int64($0) * 30)) }
        let last = try #require(detector.feed(events).last)
        #expect(last.calls == 60)
        #expect(last.callIDs.count == 50)
        #expect(last.callIDs.last == events.last?.callID)
    }
}
