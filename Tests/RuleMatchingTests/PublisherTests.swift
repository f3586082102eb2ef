import CallModel
import RuleMatching
import Testing

/// The publisher's reclamation and slot rules, step by step on one thread.
struct PublisherTests {
    typealias F = RuleFixtures
    static let number = "+442079460123"

    static func generation(_ id: Int64) -> RuleSnapshot {
        F.compile([F.rule(id, F.exact(number), reason: "generation \(id)")])
    }

    @Test func readersSeeTheNewestSnapshotAndOldOnesAreFreed() throws {
        let publisher = RulePublisher(initial: Self.generation(1))
        let reader = try claimReader(publisher)
        let before = reader.decide(F.caller(Self.number), calleeKey: "1001", at: F.monday).ruleID
        #expect(before == 1)
        weak var second: RuleSnapshot?
        do {
            let snapshot = Self.generation(2)
            second = snapshot
            publisher.publish(snapshot)
        }
        let after = reader.decide(F.caller(Self.number), calleeKey: "1001", at: F.monday).ruleID
        #expect(after == 2)
        publisher.publish(Self.generation(3))
        #expect(second == nil, "a retired snapshot no reader is inside is freed at the next publish")
        let statistics = publisher.statistics
        #expect(statistics.published == 2)
        #expect(statistics.reclaimed == 2)
        #expect(statistics.pendingReclamation == 0)
    }

    @Test func aReaderInsideASnapshotKeepsItAliveUntilItLeaves() throws {
        let publisher = RulePublisher(initial: RuleSnapshot.empty())
        let reader = try claimReader(publisher)
        weak var first: RuleSnapshot?
        do {
            let snapshot = Self.generation(1)
            first = snapshot
            publisher.publish(snapshot)
        }
        reader.holdingReadSection {
            publisher.publish(Self.generation(2))
            publisher.publish(Self.generation(3))
            #expect(publisher.reclaim() == 0)
            #expect(first != nil, "retired while a reader was inside: must stay")
            #expect(publisher.statistics.pendingReclamation == 2)
        }
        #expect(publisher.reclaim() == 2)
        #expect(first == nil)
        let answer = reader.decide(F.caller(Self.number), calleeKey: "1001", at: F.monday).ruleID
        #expect(answer == 3)
    }

    @Test func aReaderThatEnteredAfterThePublishDoesNotHoldBackTheOldSnapshot() throws {
        let publisher = RulePublisher(initial: Self.generation(1))
        let reader = try claimReader(publisher)
        reader.holdingReadSection { publisher.publish(Self.generation(2)) }
        #expect(publisher.statistics.pendingReclamation == 1, "retired while the reader was inside")
        #expect(publisher.statistics.reclaimed == 0)
        reader.holdingReadSection {
            // This section began after generation 1 was retired, so it cannot be inside it; it
            // may be inside generation 2, which is retired now.
            publisher.publish(Self.generation(3))
            #expect(publisher.statistics.reclaimed == 1)
            #expect(publisher.statistics.pendingReclamation == 1)
        }
        #expect(publisher.reclaim() == 1)
    }

    @Test func slotsRunOutThenTheSharedFallbackAnswers() throws {
        let publisher = RulePublisher(initial: Self.generation(1), readerSlots: 2)
        let first = try claimReader(publisher)
        var second = publisher.makeReader()
        let gotSecond = second != nil
        #expect(gotSecond)
        let third = publisher.makeReader()
        let gotThird = third != nil
        #expect(!gotThird, "all slots claimed")
        #expect(publisher.statistics.claimedSlots == 2)

        let verdict = publisher.verdictWithoutSlot(for: MatchCaller(F.caller(Self.number)), calleeKey: "1001", at: F.monday)
        #expect(verdict.outcome == .block && verdict.ruleID == 1)
        let decision = publisher.decideWithoutSlot(F.caller(Self.number), calleeKey: "1001", at: F.monday)
        #expect(decision == CallDecision(action: .block, ruleID: 1, reason: "generation 1"))
        #expect(publisher.statistics.overflowDecisions == 2)

        // Slot-less readers that have left hold nothing back.
        publisher.publish(Self.generation(2))
        #expect(publisher.statistics.reclaimed == 1)

        second = nil  // gives its slot back
        let again = try claimReader(publisher)
        let differentSlot = again.slot != first.slot
        #expect(differentSlot)
        let answer = again.decide(F.caller(Self.number), calleeKey: "1001", at: F.monday).ruleID
        #expect(answer == 2)
    }

    @Test func republishingTheCurrentSnapshotIsHarmless() throws {
        let snapshot = Self.generation(1)
        let publisher = RulePublisher(initial: snapshot)
        publisher.publish(snapshot)
        publisher.publish(snapshot)
        let reader = try claimReader(publisher)
        let answer = reader.decide(F.caller(Self.number), calleeKey: "1001", at: F.monday).ruleID
        #expect(answer == 1)
        #expect(publisher.current === snapshot)
    }
}

struct NoReaderSlot: Error {}

/// A reader from `publisher`, or a thrown error when every slot is claimed.
func claimReader(_ publisher: RulePublisher) throws -> RuleReader {
    guard let reader = publisher.makeReader() else { throw NoReaderSlot() }
    return reader
}
