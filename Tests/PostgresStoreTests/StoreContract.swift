import CallModel
import CallwardenPorts
import Foundation
import Logging
import PostgresStore
import SQLiteStore
import Testing

/// The ports' contract, written once and run against each backend (``SQLiteStoreContractTests``,
/// ``PostgresStoreContractTests``): what a daemon relies on whichever store it was given.
typealias ContractStore = EventStore & RuleStore & DetectionStore & AccessTokenStore & ConsoleSessionStore & RuleReviewStore

/// A store under test and how it names a constraint violation.
struct StoreUnderTest {
    var store: any ContractStore
    var isConstraintViolation: @Sendable (any Error) -> Bool
    var close: () -> Void

    static func sqlite() throws -> StoreUnderTest {
        let store = try SQLiteStore.temporary()
        return StoreUnderTest(
            store: store, isConstraintViolation: { ($0 as? SQLiteStoreError)?.code == .constraintViolation },
            close: { try? store.close() })
    }

    static func postgres(node: String = "site-a") throws -> StoreUnderTest {
        let server = try PostgresTestServer.shared.get()
        let store = try PostgresStore(settings: try server.makeDatabase(), node: node, logger: Logger(label: "test"))
        return StoreUnderTest(
            store: store, isConstraintViolation: { ($0 as? PostgresStoreError)?.code == .constraintViolation },
            close: { store.close() })
    }
}

/// Synthetic values: numbers from the Ofcom drama ranges only.
enum Fixture {
    static let caller = E164Number(e164: "+447700900123")!
    static let landline = E164Number(e164: "+442079460123")!

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    /// A CDR-style terminal event with every optional field filled in, and a NUL inside caller text.
    static func fullEvent(callID: String = "1700000000.1", at seconds: Int64 = 0) -> CallEvent {
        CallEvent(
            time: time(seconds + 45), callID: callID, source: .asteriskCSV, phase: .ended, disposition: .answered,
            callStart: time(seconds), duration: .seconds(45), talkTime: TimeSpan(microseconds: 30_250_001),
            caller: CallerIdentity(
                raw: "sip:07700900123@pbx.example", number: caller, internalExtension: "2001",
                displayName: "Test Caller\u{0}after NUL, \"Ltd\" ☎", assertedIdentity: landline, presentationRestricted: true),
            callee: CalledParty(raw: "sip:1001@pbx.example", key: "1001"),
            decision: CallDecision(action: .redirect(to: "+442079460999"), ruleID: 7, reason: "rule 7"))
    }

    /// A withheld caller's event with every optional field empty.
    static func minimalEvent(callID: String = "sip-call-2@host", at seconds: Int64 = 0) -> CallEvent {
        CallEvent(
            time: time(seconds), callID: callID, source: .sip, phase: .started,
            caller: CallerIdentity(raw: "anonymous", presentationRestricted: false),
            callee: CalledParty(raw: "1002", key: "1002"))
    }

    static func detection(calls: Int = 5, last: Int64 = 600, target: String = "1001") -> Detection {
        Detection(
            kind: .repeatCaller, caller: caller, callers: [caller], target: target, calls: calls, first: time(0),
            last: time(last), action: .alert, actionExpires: nil, offence: 1,
            callIDs: (0..<max(calls, 0)).map { "call,\($0)\n\"x\"" })
    }

    static func checkpoint(path: String = "/var/log/asterisk/cdr-csv/Master.csv") -> TailCheckpoint {
        TailCheckpoint(
            path: path, device: UInt64(Int64.max) + 17, inode: UInt64.max, offset: 4_096, lineNumber: 42,
            headHash: 0xCBF2_9CE4_8422_2325, updatedAt: time(1_000))
    }

    static func blockRule(expiresAt: Timestamp? = nil, origin: RuleOrigin = .manual) -> Rule {
        Rule(
            match: .number(caller), action: .block, reason: "threatening calls to reception",
            createdBy: origin == .manual ? "cli:alice" : "detection", createdAt: time(100), expiresAt: expiresAt,
            origin: origin)
    }
}

/// The contract's checks; each takes a fresh store.
enum StoreContract {
    static func rulesAreListedExpiredAndRemovedWithAudit(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let revision = try store.rulesRevision()
        let number = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let prefix = try store.addRule(
            Rule(match: .prefix("4420794601"), scope: "1001", action: .flag, reason: "range under watch",
                 createdBy: "cli:bob", createdAt: Fixture.time(110), expiresAt: Fixture.time(1_000)),
            actor: "cli:bob")
        let redirect = try store.addRule(
            Rule(match: .unidentified, action: .redirect(to: "+442079460999"), reason: "send to crisis line",
                 createdBy: "api:security", createdAt: Fixture.time(120), schedule: try RuleSchedule(parsing: "mon-fri 18:00-08:00")),
            actor: "api:security")
        #expect(try store.rulesRevision() != revision)
        #expect(Set([number.id, prefix.id, redirect.id]).count == 3)
        #expect(try store.rules(activeAt: Fixture.time(500), includeExpired: false) == [number, prefix, redirect])
        #expect(try store.rules(activeAt: Fixture.time(1_000), includeExpired: false) == [number, redirect])
        #expect(try store.rules(activeAt: Fixture.time(1_000), includeExpired: true) == [number, prefix, redirect])

        let id = try #require(number.id)
        #expect(try store.removeRule(id: id, actor: "cli:carol", reason: "caller apologised", at: Fixture.time(2_000)))
        #expect(try !store.removeRule(id: id, actor: "cli:carol", reason: "again", at: Fixture.time(2_001)))
        #expect(try store.rules(activeAt: Fixture.time(500), includeExpired: true) == [prefix, redirect])

        // A removed rule's id is never handed out again, even when it was the highest.
        let last = try #require(redirect.id)
        #expect(try store.removeRule(id: last, actor: "cli:carol", reason: "done", at: Fixture.time(2_002)))
        let next = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try #require(next.id) > last)

        let audit = try store.auditLog(limit: 10)
        #expect(audit.map(\.action) == ["rule.remove", "rule.remove", "rule.add", "rule.add", "rule.add", "rule.add"])
        #expect(audit[1].subject == "rule \(id)")
        #expect(audit[1].detail == "block +447700900123: caller apologised")
        #expect(audit.contains { $0.detail == "flag +4420794601* scope 1001 until 2023-11-14T22:30:00Z: range under watch" })
    }

    static func invalidRuleIsRefused(_ subject: StoreUnderTest) throws {
        let store = subject.store
        #expect {
            try store.addRule(
                Rule(match: .unidentified, action: .redirect(to: ""), reason: "no target", createdBy: "cli:alice",
                     createdAt: Fixture.time(0)),
                actor: "cli:alice")
        } throws: { subject.isConstraintViolation($0) }
        #expect(try store.auditLog(limit: 10).isEmpty)
        #expect(try store.statistics().rules == 0)
    }

    static func commitIsAtomic(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(), Fixture.minimalEvent()]
        batch.detections = [Fixture.detection(target: "1002"), Fixture.detection(calls: -1)]  // CHECK (calls >= 0)
        batch.rules = [Fixture.blockRule(origin: .detection)]
        batch.checkpoints = [Fixture.checkpoint()]
        batch.malformedCount = 3
        #expect { try store.commit(batch) } throws: { subject.isConstraintViolation($0) }
        #expect(try store.statistics() == StoreStatistics())
        #expect(try store.events(countedSince: Fixture.time(-10_000), limit: 100).isEmpty)
        #expect(try store.detections(limit: 10).isEmpty)
        #expect(try store.checkpoint(forPath: Fixture.checkpoint().path) == nil)
        #expect(try store.auditLog(limit: 10).isEmpty)

        batch.detections = [Fixture.detection()]
        try store.commit(batch)
        #expect(try store.statistics() == StoreStatistics(events: 2, calls: 2, detections: 1, rules: 1, malformed: 3))
        #expect(try store.auditLog(limit: 10).map(\.action).filter { $0.hasPrefix("rule.") } == ["rule.auto-add"])
        #expect(try store.detections(limit: 10) == [Fixture.detection()])
        var grown = Fixture.detection(calls: 7, last: 900)
        grown.offence = 2
        var update = IngestBatch()
        update.upsert(grown)
        try store.commit(update)
        #expect(try store.detections(limit: 10) == [grown])
    }

    static func eventsRoundTripEveryField(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var batch = IngestBatch()
        let events = [Fixture.minimalEvent(at: -5), Fixture.fullEvent(), Fixture.fullEvent(callID: "c\u{0}2", at: 10)]
        batch.events = events
        try store.commit(batch)
        #expect(try store.events(countedSince: Fixture.time(-10), limit: 10) == events)
        #expect(try store.events(countedSince: Fixture.time(0), limit: 10) == Array(events.dropFirst()))
        #expect(try store.events(countedSince: Fixture.time(-10), limit: 1) == [events[2]])
        #expect(try store.statistics().calls == 3)
    }

    static func checkpointsRoundTrip(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var batch = IngestBatch()
        var checkpoint = Fixture.checkpoint()
        batch.checkpoints = [checkpoint]
        try store.commit(batch)
        #expect(try store.checkpoint(forPath: checkpoint.path) == checkpoint)
        checkpoint.offset = 8_192
        checkpoint.headHash = 1 << 63
        batch.checkpoints = [checkpoint]
        try store.commit(batch)
        #expect(try store.checkpoint(forPath: checkpoint.path) == checkpoint)
        #expect(try store.checkpoint(forPath: "/nowhere") == nil)
    }

    /// A callee's text with a NUL and markup after it: a stalking episode's target, and so the
    /// scope of its block and the rule's audit entry.
    static let hostileTarget = "1001\u{0}<b>evil</b>"

    static func textAfterNULIsKept(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var event = Fixture.fullEvent()
        event.callee = CalledParty(raw: "sip:" + hostileTarget, key: hostileTarget)
        event.decision = CallDecision(action: .block, ruleID: 7, reason: "rule\u{0}seven")
        var batch = IngestBatch()
        batch.events = [event]
        batch.detections = [Fixture.detection(target: hostileTarget), Fixture.detection(target: "1001")]
        batch.rules = [
            Rule(match: .number(Fixture.caller), scope: hostileTarget, action: .block, reason: "stalking\u{0}x",
                 createdBy: "detection\u{0}y", createdAt: Fixture.time(100), origin: .detection),
        ]
        try store.commit(batch)
        #expect(try store.events(countedSince: Fixture.time(-10), limit: 10) == [event])
        #expect(Set(try store.detections(limit: 10).map(\.target)) == [hostileTarget, "1001"])
        let rule = try #require(try store.rules(activeAt: Fixture.time(0), includeExpired: true).first)
        #expect(rule == Rule(
            id: rule.id, match: .number(Fixture.caller), scope: hostileTarget, action: .block, reason: "stalking\u{0}x",
            createdBy: "detection\u{0}y", createdAt: Fixture.time(100), origin: .detection))
        #expect(try store.auditLog(limit: 10).first?.detail == "block +447700900123 scope \(hostileTarget): stalking\u{0}x")

        // The episode is found again by its whole key.
        var grown = Fixture.detection(calls: 7, last: 900, target: hostileTarget)
        grown.offence = 2
        batch = IngestBatch()
        batch.upsert(grown)
        try store.commit(batch)
        #expect(try store.detections(limit: 10).first == grown)
        #expect(try store.statistics().detections == 2)

        #expect(try store.removeRule(id: try #require(rule.id), actor: "alice\u{0}x", reason: "wrong\u{0}number", at: Fixture.time(200)))
        let removal = try #require(try store.auditLog(limit: 10).first)
        #expect(removal.actor == "alice\u{0}x" && removal.detail.hasSuffix(": wrong\u{0}number"))

        // A pushed resend of a call id with a NUL is stored once, apart from the id cut at the NUL.
        batch = IngestBatch()
        batch.events = [Fixture.minimalEvent(callID: "push\u{0}tail"), Fixture.minimalEvent(callID: "push")]
        try store.commitPushed(batch)
        try store.commitPushed(batch)
        #expect(try store.statistics().events == 3)
    }

    static func pushedResendIsStoredOnce(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var batch = IngestBatch()
        batch.events = [Fixture.minimalEvent(), Fixture.minimalEvent(callID: "other"), Fixture.minimalEvent()]
        try store.commitPushed(batch)
        try store.commitPushed(batch)
        #expect(try store.statistics().events == 2)
    }
}

@Suite("Store contract on SQLite")
struct SQLiteStoreContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try check(subject)
    }

    @Test func rules() throws { try run(StoreContract.rulesAreListedExpiredAndRemovedWithAudit) }
    @Test func invalidRule() throws { try run(StoreContract.invalidRuleIsRefused) }
    @Test func atomicCommit() throws { try run(StoreContract.commitIsAtomic) }
    @Test func eventRoundTrip() throws { try run(StoreContract.eventsRoundTripEveryField) }
    @Test func checkpoints() throws { try run(StoreContract.checkpointsRoundTrip) }
    @Test func pushedResend() throws { try run(StoreContract.pushedResendIsStoredOnce) }
    @Test func textAfterNUL() throws { try run(StoreContract.textAfterNULIsKept) }
}

@Suite("Store contract on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresStoreContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try check(subject)
    }

    @Test func rules() throws { try run(StoreContract.rulesAreListedExpiredAndRemovedWithAudit) }
    @Test func invalidRule() throws { try run(StoreContract.invalidRuleIsRefused) }
    @Test func atomicCommit() throws { try run(StoreContract.commitIsAtomic) }
    @Test func eventRoundTrip() throws { try run(StoreContract.eventsRoundTripEveryField) }
    @Test func checkpoints() throws { try run(StoreContract.checkpointsRoundTrip) }
    @Test func pushedResend() throws { try run(StoreContract.pushedResendIsStoredOnce) }
    @Test func textAfterNUL() throws { try run(StoreContract.textAfterNULIsKept) }
}
