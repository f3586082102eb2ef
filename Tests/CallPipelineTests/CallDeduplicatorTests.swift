import CallModel
import CallPipeline
import CallwardenPorts
import PortsTestSupport
import Testing

struct CallDeduplicatorTests {
    @Test func aCallIsNewOnceWhicheverSourceReportsIt() {
        var deduplicator = CallDeduplicator()
        let cdr = Fixtures.event("07700900123", at: 0, id: "1768208400.1")
        var question = cdr
        question.source = .decisionRequest
        question.phase = .started
        var dialog = cdr
        dialog.source = .sip
        let answers = [question, dialog, cdr].map { deduplicator.witness($0) }
        #expect(answers.map(\.isNewCall) == [true, false, false])
        // The SIP dialog's end is the first terminal report; the CDR's is a second one.
        #expect(answers.map(\.isFirstTerminal) == [false, true, false])
        let other = deduplicator.isFirstEvent(of: Fixtures.event("07700900123", at: 0, id: "1768208400.2"))
        #expect(other)
    }

    @Test func memoryIsAFixedTableThatForgetsTheOldestCallFirst() {
        var deduplicator = CallDeduplicator(capacity: 10)
        let early = Fixtures.event("07700900123", at: 0, id: "early")
        let firstSeen = deduplicator.isFirstEvent(of: early)
        #expect(firstSeen)
        for index in 0..<9 { _ = deduplicator.isFirstEvent(of: Fixtures.event("07700900124", at: 1, id: "c\(index)")) }
        let remembered = !deduplicator.isFirstEvent(of: early)
        #expect(remembered)
        #expect(deduplicator.evictions == 0)
        // The eleventh call evicts the first one seen, and counts the eviction.
        _ = deduplicator.isFirstEvent(of: Fixtures.event("07700900124", at: 1, id: "c9"))
        #expect(deduplicator.evictions == 1)
        #expect(deduplicator.rememberedCalls == 10)
        let forgotten = deduplicator.isFirstEvent(of: early)
        #expect(forgotten)
        // c0 was the oldest then; c9 is still remembered.
        let stillRemembered = !deduplicator.isFirstEvent(of: Fixtures.event("07700900124", at: 1, id: "c9"))
        #expect(stillRemembered)
        #expect(deduplicator.evictions == 2)
    }

    /// Against a reference (a set and a FIFO queue), over random ids drawn from a small pool so
    /// that probe runs, repeats, and evictions in the middle of runs all happen.
    @Test func agreesWithAReferenceOverRandomWitnesses() {
        // A fixed linear congruential sequence (Knuth's MMIX constants): the same on every run.
        var state: UInt64 = 0x5EED
        func nextRandom() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for capacity in [1, 3, 16, 100] {
            var deduplicator = CallDeduplicator(capacity: capacity)
            var remembered = Set<String>()
            var order: [String] = []
            var evictions = 0
            for _ in 0..<20_000 {
                let id = "call-\(nextRandom() % UInt64(capacity * 3))"
                let expectedNew = !remembered.contains(id)
                if expectedNew {
                    if order.count == capacity {
                        remembered.remove(order.removeFirst())
                        evictions += 1
                    }
                    remembered.insert(id)
                    order.append(id)
                }
                let answer = deduplicator.isFirstEvent(of: Fixtures.event("07700900123", at: 0, id: id))
                #expect(answer == expectedNew)
                if answer != expectedNew { return }
            }
            #expect(deduplicator.evictions == evictions)
            #expect(deduplicator.rememberedCalls == remembered.count)
        }
    }
}

struct ResponsePolicyTests {
    let policy = ResponsePolicy(crisisLine: "+442079460999")

    @Test func alertsAndReviewsMakeNoRules() {
        for action in [ResponseAction.watch, .alert, .review] {
            #expect(policy.rules(for: Fixtures.detection(.repeatCaller, action: action)).isEmpty)
        }
    }

    @Test func aRepeatCallerBlockIsOrganisationWideAndExpires() throws {
        let rules = policy.rules(for: Fixtures.detection(.repeatCaller, action: .block))
        let rule = try #require(rules.first)
        #expect(rules.count == 1)
        #expect(rule.match == .number(E164Number(e164: "+447700900123")!))
        #expect(rule.scope == nil)
        #expect(rule.action == .block)
        #expect(rule.origin == .detection)
        #expect(rule.expiresAt == Fixtures.start + .hours(24))
    }

    @Test func aStalkerIsBlockedFromTheOneExtension() {
        #expect(policy.rules(for: Fixtures.detection(.stalking, target: "1012", action: .block)).first?.scope == "1012")
    }

    @Test func anonymousCallersAreRedirectedToTheCrisisLine() {
        let rules = policy.rules(for: Fixtures.detection(.anonymous, caller: nil, target: "1013", action: .redirect))
        #expect(rules.map(\.match) == [.unidentified])
        #expect(rules.first?.action == .redirect(to: "+442079460999"))
        #expect(rules.first?.scope == "1013")
        #expect(ResponsePolicy(crisisLine: nil).rules(for: Fixtures.detection(.anonymous, caller: nil, action: .redirect)).isEmpty)
    }

    @Test func numberHoppersAreBlockedNumberByNumber() {
        let callers = ["+447700900201", "+447700900202", "+447700900203", "+447700900204"]
        let rules = policy.rules(for: Fixtures.detection(.numberHopping, caller: nil, callers: callers, action: .block))
        #expect(rules.map(\.match.text) == callers)
    }
}

struct IngestBatchTests {
    @Test func anEpisodeIsCarriedOnceInItsLatestState() {
        var batch = IngestBatch()
        var detection = Fixtures.detection(.repeatCaller, action: .alert, calls: 5)
        batch.upsert(detection)
        detection.calls = 6
        batch.upsert(detection)
        batch.upsert(Fixtures.detection(.stalking, action: .alert))
        #expect(batch.detections.count == 2)
        #expect(batch.detections.first?.calls == 6)
    }
}

extension IngestBatchTests {
    @Test func aHoppingEpisodeKeepsItsKeyWhileItsCallersGrow() {
        var batch = IngestBatch()
        let four = ["+447700900201", "+447700900202", "+447700900203", "+447700900204"]
        batch.upsert(Fixtures.detection(.numberHopping, caller: nil, callers: four, action: .alert, calls: 4))
        batch.upsert(Fixtures.detection(.numberHopping, caller: nil, callers: four + ["+447700900205"], action: .alert, calls: 5))
        #expect(batch.detections.count == 1)
        #expect(batch.detections.first?.callers.count == 5)
    }
}

struct InMemoryStoreTests {
    @Test func rulesAreAuditedAndExpire() throws {
        let store = InMemoryStore()
        let now = Fixtures.start
        let rule = try store.addRule(
            Rule(match: .unidentified, action: .block, reason: "test", createdBy: "ops", createdAt: now,
                 expiresAt: now + .hours(1)), actor: "ops")
        #expect(try store.rules(activeAt: now, includeExpired: false).count == 1)
        #expect(try store.rules(activeAt: now + .hours(2), includeExpired: false).isEmpty)
        #expect(try store.rules(activeAt: now + .hours(2), includeExpired: true).count == 1)
        #expect(try store.removeRule(id: rule.id!, actor: "ops", reason: "done", at: now))
        #expect(try !store.removeRule(id: rule.id!, actor: "ops", reason: "again", at: now))
        #expect(try store.auditLog(limit: 10).map(\.action) == ["rule.remove", "rule.add"])
    }
}
