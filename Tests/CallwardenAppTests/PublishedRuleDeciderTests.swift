import CallModel
import CallPipeline
import CallwardenPorts
import CallwardenApp
import Foundation
import RuleMatching
import Synchronization
import Testing

@Suite("Deciding from any thread: thread-local reader slots")
struct PublishedRuleDeciderTests {
    static let number = E164Number(e164: "+442079460123")!
    static let time = Timestamp(secondsSinceEpoch: 1_705_320_000)

    static func publisher(slots: Int) -> RulePublisher {
        let rule = Rule(
            id: 7, match: .prefix("4420"), action: .redirect(to: "+442079460000"), reason: "range under watch",
            createdBy: "test", createdAt: time)
        return RulePublisher(
            initial: RuleSnapshotCompiler(timeZone: .utc).compile([rule], at: time).snapshot, readerSlots: slots)
    }

    static let request = DecisionRequest(
        caller: CallerIdentity(raw: "+442079460123", number: number), callee: CalledParty(raw: "1001", key: "1001"),
        callID: "call-1", time: time)
    static let expected = CallDecision(action: .redirect(to: "+442079460000"), ruleID: 7, reason: "range under watch")

    /// Runs `count` OS threads that each decide `decisions` times and then wait for `release`.
    final class Threads: @unchecked Sendable {
        // `answers` is written by each thread at its own index before `finished` is raised.
        let finished = Atomic<Int>(0)
        let release = Atomic<Bool>(false)
        var answers: [[CallDecision]]

        init(count: Int, decider: PublishedRuleDecider, decisions: Int) {
            answers = Array(repeating: [], count: count)
            for index in 0..<count {
                Thread { [self] in
                    var seen: [CallDecision] = []
                    for _ in 0..<decisions { seen.append(decider.decide(PublishedRuleDeciderTests.request)) }
                    answers[index] = seen
                    finished.wrappingAdd(1, ordering: .releasing)
                    while !release.load(ordering: .acquiring) { usleep(1_000) }
                }.start()
            }
        }

        func waitUntilFinished(_ count: Int) {
            while finished.load(ordering: .acquiring) < count { usleep(1_000) }
        }
    }

    static func waitForSlots(_ publisher: RulePublisher, claimed: Int) {
        for _ in 0..<5_000 where publisher.statistics.claimedSlots != claimed { usleep(1_000) }
    }

    @Test("each thread claims one slot on its first decision and gives it back when it exits")
    func slotPerThreadReleasedOnExit() {
        let publisher = Self.publisher(slots: 8)
        let decider = PublishedRuleDecider(publisher: publisher)
        #expect(decider.hasThreadLocalReaders)
        let threads = Threads(count: 3, decider: decider, decisions: 100)
        threads.waitUntilFinished(3)
        #expect(publisher.statistics.claimedSlots == 3, "one slot per thread, however many decisions")
        #expect(threads.answers.allSatisfy { $0.count == 100 && $0.allSatisfy { $0 == Self.expected } })
        #expect(publisher.statistics.overflowDecisions == 0)

        threads.release.store(true, ordering: .releasing)
        Self.waitForSlots(publisher, claimed: 0)
        #expect(publisher.statistics.claimedSlots == 0, "thread exit gave the slots back")
    }

    @Test("threads beyond the slots decide through the counted shared path, with the same answers")
    func exhaustedSlotsFallBack() {
        let publisher = Self.publisher(slots: 2)
        let decider = PublishedRuleDecider(publisher: publisher)
        let threads = Threads(count: 4, decider: decider, decisions: 50)
        threads.waitUntilFinished(4)
        #expect(publisher.statistics.claimedSlots == 2)
        #expect(publisher.statistics.overflowDecisions == 100, "two threads without a slot, 50 decisions each")
        #expect(threads.answers.allSatisfy { $0.count == 50 && $0.allSatisfy { $0 == Self.expected } })
        threads.release.store(true, ordering: .releasing)
        Self.waitForSlots(publisher, claimed: 0)
        #expect(publisher.statistics.claimedSlots == 0)
    }

    @Test("a publish is seen by threads that already hold a reader")
    func publishesReachThreadLocalReaders() {
        let publisher = Self.publisher(slots: 4)
        let decider = PublishedRuleDecider(publisher: publisher)
        #expect(decider.decide(Self.request) == Self.expected)
        publisher.publish(RuleSnapshot.empty())
        #expect(decider.decide(Self.request) == .defaultAllow)
    }
}
