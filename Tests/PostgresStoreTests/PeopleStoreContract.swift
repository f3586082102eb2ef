import CallModel
import CallwardenPorts
import Incidents
import PostgresStore
import SQLiteStore
import Testing

/// The contract of the ports the people's listener needs (tokens, console sessions, the review
/// and correction of rules), written once and run against each backend: what the `api` listener
/// relies on whichever store it was given.
enum PeopleContract {
    static func token(_ name: String, lookup: String, role: AccessRole = .viewer, at seconds: Int64 = 0) -> StoredAccessToken {
        StoredAccessToken(
            name: name, role: role, lookup: lookup, secretHash: (0..<32).map { UInt8($0) &* 7 &+ UInt8(lookup.utf8.count) },
            createdAt: Fixture.time(seconds), createdBy: "cli:root")
    }

    static func tokensAreAddedListedRevokedAndAudited(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let alice = token("alice", lookup: "00112233aabbccdd", role: .security)
        let pbx = token("pbx-1", lookup: "ffeeddcc00112233", role: .pbx, at: 5)
        try store.addToken(alice, actor: "cli:root")
        try store.addToken(pbx, actor: "token:admin")
        #expect(try store.tokens() == [alice, pbx])
        #expect(try store.token(lookup: "ffeeddcc00112233") == pbx)
        #expect(try store.token(lookup: "0000000000000000") == nil)

        // A name is never given again, revoked or not; nothing is written then.
        #expect(throws: AccessTokenError.nameTaken("alice")) {
            try store.addToken(token("alice", lookup: "1111111111111111"), actor: "cli:root")
        }
        #expect(try store.revokeToken(name: "alice", actor: "token:admin", at: Fixture.time(20)))
        #expect(try !store.revokeToken(name: "alice", actor: "token:admin", at: Fixture.time(21)))
        #expect(try !store.revokeToken(name: "nobody", actor: "token:admin", at: Fixture.time(21)))
        #expect(throws: AccessTokenError.nameTaken("alice")) {
            try store.addToken(token("alice", lookup: "2222222222222222"), actor: "cli:root")
        }
        var revoked = alice
        revoked.revokedAt = Fixture.time(20)
        #expect(try store.token(lookup: alice.lookup) == revoked)
        #expect(try store.tokens() == [revoked, pbx])

        // A public part in use is refused by the schema.
        #expect { try store.addToken(token("carol", lookup: alice.lookup), actor: "cli:root") } throws: {
            subject.isConstraintViolation($0)
        }
        #expect(try store.tokens().count == 2)

        // Each write audited once, with the actor the caller gave; never the secret.
        let audit = try store.auditLog(since: nil, limit: 10)
        #expect(audit == [
            AuditEntry(time: Fixture.time(20), actor: "token:admin", action: "token.revoke", subject: "token alice", detail: ""),
            AuditEntry(time: Fixture.time(5), actor: "token:admin", action: "token.create", subject: "token pbx-1", detail: "role pbx"),
            AuditEntry(time: Fixture.time(0), actor: "cli:root", action: "token.create", subject: "token alice", detail: "role security"),
        ])
    }

    static func tokenTextIsKeptWhole(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var evil = token("ops\u{0}evil", lookup: "aa01")
        evil.createdBy = "cli:root\u{0}x"
        try store.addToken(evil, actor: "cli:root\u{0}y")
        try store.addToken(token("ops", lookup: "aa02"), actor: "cli:root")
        #expect(throws: AccessTokenError.nameTaken("ops\u{0}evil")) {
            try store.addToken(token("ops\u{0}evil", lookup: "aa03"), actor: "cli:root")
        }
        #expect(try store.tokens().map(\.name) == ["ops\u{0}evil", "ops"])
        #expect(try store.token(lookup: "aa01")?.createdBy == "cli:root\u{0}x")
        #expect(try store.revokeToken(name: "ops", actor: "cli:root", at: Fixture.time(10)))
        let tokens = try store.tokens()
        #expect(tokens.first { $0.name == "ops\u{0}evil" }?.revokedAt == nil)
        #expect(tokens.first { $0.name == "ops" }?.revokedAt == Fixture.time(10))
        let created = try store.auditLog(since: nil, limit: 10).first { $0.subject == "token ops\u{0}evil" }
        #expect(created?.actor == "cli:root\u{0}y")
    }

    static func auditLogIsNewestFirstFromATime(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let entries = [
            AuditEntry(time: Fixture.time(10), actor: "token:alice", action: "incident.view", subject: "incident 1", detail: "a"),
            AuditEntry(time: Fixture.time(30), actor: "token:bob", action: "export", subject: "incident 2", detail: "<b>x</b>\u{0}y"),
            AuditEntry(time: Fixture.time(20), actor: "cli:root", action: "recording.download", subject: "recording 3", detail: ""),
            AuditEntry(time: Fixture.time(30), actor: "token:carol", action: "incident.view", subject: "incident 4", detail: "b"),
        ]
        for entry in entries { try store.recordAudit(entry) }
        // Newest first; at the same time, the later insertion first.
        #expect(try store.auditLog(since: nil, limit: 10) == [entries[3], entries[1], entries[2], entries[0]])
        #expect(try store.auditLog(since: Fixture.time(20), limit: 10) == [entries[3], entries[1], entries[2]])
        #expect(try store.auditLog(since: Fixture.time(31), limit: 10).isEmpty)
        #expect(try store.auditLog(since: nil, limit: 2) == [entries[3], entries[1]])
        #expect(try store.auditLog(since: nil, limit: -1).isEmpty)
        // The rules' view of the same log.
        #expect(try store.auditLog(limit: 10) == [entries[3], entries[1], entries[2], entries[0]])
    }

    static func session(_ first: UInt8, lookup: String = "00112233aabbccdd", opened: Int64, expires: Int64) -> StoredConsoleSession {
        // A hash with a zero byte inside: compared whole.
        StoredConsoleSession(
            idHash: [first, 0] + (2..<32).map { UInt8($0) }, tokenLookup: lookup, openedAt: Fixture.time(opened),
            expiresAt: Fixture.time(expires))
    }

    static func consoleSessionsEndAndAreForgotten(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let first = session(1, opened: 0, expires: 100)
        let second = session(2, lookup: "ffeeddcc00112233", opened: 50, expires: 400)
        try store.openConsoleSession(first)
        try store.openConsoleSession(second)
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(99)) == first)
        #expect(try store.consoleSession(idHash: second.idHash, at: Fixture.time(99)) == second)
        // Ended at its end; a hash differing in one byte, or cut short, is another session.
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(100)) == nil)
        #expect(try store.consoleSession(idHash: [9] + first.idHash.dropFirst(), at: Fixture.time(0)) == nil)
        #expect(try store.consoleSession(idHash: Array(first.idHash.prefix(1)), at: Fixture.time(0)) == nil)

        // An id hash in use is refused by the schema; the session kept is the first.
        #expect { try store.openConsoleSession(session(1, lookup: "1111111111111111", opened: 10, expires: 1_000)) } throws: {
            subject.isConstraintViolation($0)
        }
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(20)) == first)

        // Opening a session forgets those that ended before it was opened (asked at an earlier time,
        // the first is gone); those still running stay.
        let third = session(3, opened: 100, expires: 500)
        try store.openConsoleSession(third)
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(20)) == nil)
        #expect(try store.consoleSession(idHash: second.idHash, at: Fixture.time(120)) == second)

        // Signing out ends a session at once; signing out of none is no error.
        try store.closeConsoleSession(idHash: second.idHash)
        try store.closeConsoleSession(idHash: second.idHash)
        #expect(try store.consoleSession(idHash: second.idHash, at: Fixture.time(120)) == nil)
        #expect(try store.consoleSession(idHash: third.idHash, at: Fixture.time(120)) == third)
    }

    // MARK: Reviewing and correcting rules

    /// Every incident, newest change first (`IncidentStore` is not yet whole on PostgreSQL, so
    /// the contract's store type does not include it).
    static func incidents(of store: any ContractStore) throws -> [Incident] {
        switch store {
        case let sqlite as SQLiteStore: try sqlite.incidents(status: nil, limit: 10)
        case let postgres as PostgresStore: try postgres.incidents(status: nil, limit: 10)
        default: throw TestServerError(message: "a store of an unknown type")
        }
    }

    /// A detection's block on `Fixture.caller` (ten calls), committed as the ingest loop commits
    /// it: the detection opens its incident, the automatic rule comes with it.
    static func committedDetectionBlock(in store: any ContractStore) throws -> Rule {
        let callIDs = (0..<10).map { "fp-\($0)" }
        let detection = Detection(
            kind: .repeatCaller, caller: Fixture.caller, callers: [Fixture.caller], target: "1001", calls: 10, first: Fixture.time(0),
            last: Fixture.time(540), action: .block, actionExpires: Fixture.time(87_000), offence: 1, callIDs: callIDs)
        var batch = IngestBatch()
        batch.events = callIDs.enumerated().map { Fixture.minimalEvent(callID: $0.element, at: Int64($0.offset) * 60) }
        batch.detections = [detection]
        batch.rules = [
            Rule(
                match: .number(Fixture.caller), action: .block, reason: "repeat-caller: 10 calls", createdBy: "detection",
                createdAt: Fixture.time(600), expiresAt: detection.actionExpires, origin: .detection)
        ]
        try store.commit(batch)
        return try #require(try store.rules(activeAt: Fixture.time(700), includeExpired: false).first)
    }

    static func automaticBlocksAreReviewedAndTheirExpiryChanged(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let block = try committedDetectionBlock(in: store)
        let id = try #require(block.id)
        let manual = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let manualID = try #require(manual.id)

        #expect(throws: RuleReviewError.notAutomatic(manualID)) {
            try store.approveRule(manualID, actor: "token:ops", reason: "", time: Fixture.time(1_000))
        }
        #expect(throws: RuleReviewError.notFound(9_999)) {
            try store.approveRule(9_999, actor: "token:ops", reason: "", time: Fixture.time(1_000))
        }
        #expect(throws: RuleReviewError.missing("by")) { try store.approveRule(id, actor: "  ", reason: "x", time: Fixture.time(1_000)) }
        #expect(try store.ruleReviews([id, manualID]).isEmpty)

        // The newest review counts; reasons are kept whole.
        let first = try store.approveRule(id, actor: " token:ops ", reason: "", time: Fixture.time(1_000))
        #expect(first == RuleReview(ruleID: id, reviewedBy: "token:ops", reviewedAt: Fixture.time(1_000), reason: ""))
        let second = try store.approveRule(id, actor: "token:sec", reason: "<b>seen</b>\u{0}twice", time: Fixture.time(1_100))
        #expect(try store.ruleReviews([id, manualID, 9_999]) == [id: second])
        #expect(try store.ruleReviews([]).isEmpty)

        // An expiry change raises the rules revision; the audit keeps the old expiry.
        #expect(throws: RuleReviewError.missing("reason")) {
            try store.changeRuleExpiry(id, to: nil, actor: "token:ops", reason: " ", time: Fixture.time(1_200))
        }
        #expect(throws: RuleReviewError.notFound(9_999)) {
            try store.changeRuleExpiry(9_999, to: nil, actor: "token:ops", reason: "x", time: Fixture.time(1_200))
        }
        let revision = try store.rulesRevision()
        let kept = try store.changeRuleExpiry(id, to: nil, actor: "token:ops", reason: "keep for good", time: Fixture.time(1_200))
        var expected = block
        expected.expiresAt = nil
        #expect(kept == expected)
        #expect(try store.rulesRevision() > revision)
        let shortened = try store.changeRuleExpiry(id, to: Fixture.time(7_200), actor: "token:ops", reason: "a day", time: Fixture.time(1_300))
        #expect(shortened.expiresAt == Fixture.time(7_200))
        #expect(try store.rules(activeAt: Fixture.time(7_200), includeExpired: false).map(\.id) == [manualID])
        // A rule past its expiry is still in the table: its expiry can be changed again.
        #expect(try store.changeRuleExpiry(id, to: nil, actor: "token:ops", reason: "back", time: Fixture.time(8_000)).expiresAt == nil)

        let audit = try store.auditLog(since: Fixture.time(1_000), limit: 10)
        #expect(audit.map(\.action) == ["rule.expiry", "rule.expiry", "rule.expiry", "rule.review.approve", "rule.review.approve"])
        #expect(audit[1] == AuditEntry(
            time: Fixture.time(1_300), actor: "token:ops", action: "rule.expiry", subject: "rule \(id)",
            detail: "expiry never → 2023-11-15T00:13:20Z: a day"))
        #expect(audit[2].detail == "expiry 2023-11-15T22:23:20Z → never: keep for good")
        #expect(audit[3].detail == "block +447700900123 until 2023-11-15T22:23:20Z: <b>seen</b>\u{0}twice")
        #expect(audit[4].actor == "token:ops" && audit[4].detail == "block +447700900123 until 2023-11-15T22:23:20Z")
    }

    static func removedRulesAreKeptAsHistory(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let first = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let range = try store.addRule(
            Rule(match: .prefix("4411349"), action: .block, reason: "range", createdBy: "cli:alice", createdAt: Fixture.time(110)),
            actor: "cli:alice")
        let rangeID = try #require(range.id)
        #expect(throws: RuleCorrectionError.missing("reason")) {
            try store.removeRules(RuleRemoval(selector: .id(rangeID), actor: "cli:bob", reason: " ", falsePositive: false, time: Fixture.time(200)))
        }
        #expect(throws: RuleCorrectionError.missing("by")) {
            try store.removeRules(RuleRemoval(selector: .id(rangeID), actor: "", reason: "x", falsePositive: false, time: Fixture.time(200)))
        }
        // A false positive names a number: refused for a range, and nothing changes.
        #expect(throws: RuleCorrectionError.notANumber(rangeID)) {
            try store.removeRules(RuleRemoval(selector: .id(rangeID), actor: "cli:bob", reason: "x", falsePositive: true, time: Fixture.time(200)))
        }
        #expect(try store.removedRules(limit: 10).isEmpty)
        #expect(try store.rules(activeAt: Fixture.time(300), includeExpired: true) == [first, range])

        let outcome = try store.removeRules(
            RuleRemoval(selector: .id(rangeID), actor: " cli:bob ", reason: "wrong\u{0}range ", falsePositive: false, time: Fixture.time(200)))
        #expect(outcome == RuleRemovalOutcome(removed: [range]))
        #expect(throws: RuleCorrectionError.notFound(.id(rangeID))) {
            try store.removeRules(RuleRemoval(selector: .id(rangeID), actor: "cli:bob", reason: "x", falsePositive: false, time: Fixture.time(201)))
        }
        // A removed id is never handed out again.
        let third = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try #require(third.id) > rangeID)

        // By number: every rule in force on that number except allow entries.
        let allow = try store.addRule(
            Rule(match: .number(Fixture.caller), scope: "1002", action: .allow, reason: "family", createdBy: "cli:alice",
                 createdAt: Fixture.time(120)),
            actor: "cli:alice")
        let byNumber = try store.removeRules(
            RuleRemoval(selector: .number(Fixture.caller), actor: "cli:carol", reason: "apologised", falsePositive: false, time: Fixture.time(300)))
        #expect(byNumber.removed == [first, third])
        #expect(!byNumber.escalationReset && byNumber.allowRule == nil && byNumber.closedIncidentIDs.isEmpty)
        #expect(try store.rules(activeAt: Fixture.time(400), includeExpired: true) == [allow])

        let history = try store.removedRules(limit: 10)
        #expect(history.map(\.rule) == [third, first, range])
        #expect(history.last == RemovedRule(rule: range, removedBy: "cli:bob", removedAt: Fixture.time(200), reason: "wrong\u{0}range", falsePositive: false))
        #expect(try store.removedRules(limit: 1).map(\.rule) == [third])
        #expect(try store.escalationResets(since: Fixture.time(0)).isEmpty)
        let audit = try store.auditLog(since: Fixture.time(200), limit: 10)
        #expect(audit.map(\.action) == ["rule.remove", "rule.remove", "rule.remove"])
        #expect(audit.last == AuditEntry(
            time: Fixture.time(200), actor: "cli:bob", action: "rule.remove", subject: "rule \(rangeID)",
            detail: "block +4411349*: wrong\u{0}range"))

        // The detail of a rule in force and of a removed one.
        let details = try store.ruleDetails(.number(Fixture.caller))
        #expect(details.map(\.rule) == [first, third, allow])
        #expect(details.map { $0.removal?.removedBy } == ["cli:carol", "cli:carol", nil])
        #expect(try store.ruleDetails(.id(rangeID)).map(\.removal?.reason) == ["wrong\u{0}range"])
        #expect(try store.ruleDetails(.id(9_999)).isEmpty)
    }

    static func falsePositiveAllowsResetsAndCloses(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let block = try committedDetectionBlock(in: store)
        let blockID = try #require(block.id)
        let incidentsBefore = try incidents(of: store)
        #expect(incidentsBefore.count == 1)
        let revision = try store.rulesRevision()

        // A reason too long for the incident's closing note is refused by the ledger, as itself,
        // and nothing is changed (the block, the incident, the resets and the audit stay as they were).
        let tooLong = String(repeating: "x", count: IncidentChangeError.maximumTextLength)
        #expect(throws: IncidentChangeError.self) {
            try store.removeRules(
                RuleRemoval(selector: .number(Fixture.caller), actor: "cli:carol", reason: tooLong, falsePositive: true, time: Fixture.time(3_500)))
        }
        #expect(try store.rules(activeAt: Fixture.time(3_500), includeExpired: true) == [block])
        #expect(try incidents(of: store).map(\.status) == [.open])
        #expect(try store.escalationResets(since: Fixture.time(0)).isEmpty)
        #expect(try store.removedRules(limit: 10).isEmpty)
        #expect(try store.auditLog(since: Fixture.time(3_500), limit: 10).isEmpty)

        let outcome = try store.removeRules(
            RuleRemoval(
                selector: .number(Fixture.caller), actor: "cli:carol", reason: "home-care nurse", falsePositive: true,
                time: Fixture.time(3_600)))
        #expect(outcome.removed == [block])
        #expect(outcome.escalationReset)
        #expect(outcome.closedIncidentIDs == incidentsBefore.map(\.id))
        let allow = try #require(outcome.allowRule)
        #expect(allow == Rule(
            id: allow.id, match: .number(Fixture.caller), action: .allow, reason: "false positive: home-care nurse",
            createdBy: "cli:carol", createdAt: Fixture.time(3_600), origin: .manual))
        #expect(try #require(allow.id) > blockID)
        #expect(try store.rules(activeAt: Fixture.time(3_700), includeExpired: true) == [allow])
        #expect(try store.rulesRevision() > revision)
        #expect(try store.escalationResets(since: Fixture.time(0)) == [
            EscalationReset(identity: Fixture.caller, time: Fixture.time(3_600), actor: "cli:carol", reason: "home-care nurse")
        ])
        #expect(try store.escalationResets(since: Fixture.time(3_601)).isEmpty)
        let incident = try #require(try incidents(of: store).first)
        #expect(incident.status == .closed)
        #expect(incident.transitions.last?.note == "false positive: home-care nurse")
        #expect(incident.transitions.last?.actor == "cli:carol")

        let detail = try #require(try store.ruleDetails(.id(blockID)).first)
        #expect(detail.removal == RemovedRule(
            rule: block, removedBy: "cli:carol", removedAt: Fixture.time(3_600), reason: "home-care nurse", falsePositive: true))
        #expect(detail.detections.map(\.calls) == [10])
        #expect(detail.incidents == [RuleIncident(id: incident.id, kind: "harassment", status: "closed", outcome: "false-positive")])
        let audit = try store.auditLog(since: Fixture.time(3_600), limit: 20).map(\.action)
        #expect(audit.contains("rule.remove.false-positive"))
        #expect(audit.contains("escalation.reset"))
        #expect(audit.contains("rule.add"))

        // Nothing left to remove on that number; a new block, found wrong again, adds no second allow entry.
        #expect(throws: RuleCorrectionError.notFound(.number(Fixture.caller))) {
            try store.removeRules(
                RuleRemoval(selector: .number(Fixture.caller), actor: "cli:carol", reason: "again", falsePositive: true, time: Fixture.time(3_700)))
        }
        let again = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let second = try store.removeRules(
            RuleRemoval(selector: .id(try #require(again.id)), actor: "cli:dave", reason: "still the nurse", falsePositive: true,
                        time: Fixture.time(3_800)))
        #expect(second.allowRule == nil && second.escalationReset && second.closedIncidentIDs.isEmpty)
        #expect(try store.escalationResets(since: Fixture.time(0)).count == 2)
        #expect(try store.rules(activeAt: Fixture.time(3_900), includeExpired: true) == [allow])
    }

    static func ruleHitsAreTheCallsItDecided(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let rule = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let id = try #require(rule.id)
        var batch = IngestBatch()
        // Two calls decided by the rule (the second asked twice), one allowed by no rule.
        batch.events = [(150, "q1", id), (250, "q2", id), (251, "q2", id), (300, "q3", nil)].map { seconds, callID, ruleID in
            CallEvent(
                time: Fixture.time(seconds), callID: callID, source: .decisionRequest, phase: .started,
                caller: CallerIdentity(raw: "07700900123", number: Fixture.caller), callee: CalledParty(raw: "1001", key: "1001"),
                decision: ruleID.map { CallDecision(action: .block, ruleID: $0, reason: "threats") }
                    ?? CallDecision(action: .allow, ruleID: nil, reason: ""))
        }
        try store.commit(batch)
        let detail = try #require(try store.ruleDetails(.id(id)).first)
        #expect(detail.hits == 2)
        #expect(detail.lastHit == Fixture.time(251))
        #expect(detail.removal == nil && detail.detections.isEmpty && detail.incidents.isEmpty)
    }
}

@Suite("People's ports contract on SQLite")
struct SQLitePeopleContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try check(subject)
    }

    @Test func tokens() throws { try run(PeopleContract.tokensAreAddedListedRevokedAndAudited) }
    @Test func tokenTextWhole() throws { try run(PeopleContract.tokenTextIsKeptWhole) }
    @Test func auditLog() throws { try run(PeopleContract.auditLogIsNewestFirstFromATime) }
    @Test func consoleSessions() throws { try run(PeopleContract.consoleSessionsEndAndAreForgotten) }
    @Test func ruleReviews() throws { try run(PeopleContract.automaticBlocksAreReviewedAndTheirExpiryChanged) }
    @Test func ruleHistory() throws { try run(PeopleContract.removedRulesAreKeptAsHistory) }
    @Test func falsePositive() throws { try run(PeopleContract.falsePositiveAllowsResetsAndCloses) }
    @Test func ruleHits() throws { try run(PeopleContract.ruleHitsAreTheCallsItDecided) }
}

@Suite("People's ports contract on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresPeopleContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try check(subject)
    }

    @Test func tokens() throws { try run(PeopleContract.tokensAreAddedListedRevokedAndAudited) }
    @Test func tokenTextWhole() throws { try run(PeopleContract.tokenTextIsKeptWhole) }
    @Test func auditLog() throws { try run(PeopleContract.auditLogIsNewestFirstFromATime) }
    @Test func consoleSessions() throws { try run(PeopleContract.consoleSessionsEndAndAreForgotten) }
    @Test func ruleReviews() throws { try run(PeopleContract.automaticBlocksAreReviewedAndTheirExpiryChanged) }
    @Test func ruleHistory() throws { try run(PeopleContract.removedRulesAreKeptAsHistory) }
    @Test func falsePositive() throws { try run(PeopleContract.falsePositiveAllowsResetsAndCloses) }
    @Test func ruleHits() throws { try run(PeopleContract.ruleHitsAreTheCallsItDecided) }
}
