import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

/// Every other path that stores text from callers, PBXs, clients or people keeps it whole: a NUL in
/// the middle and what follows it come back, and a value and the text before its NUL are two values.
@Suite("Text after a NUL survives detections, incidents, rules, tokens, pushed keys and recordings")
struct FullLengthTextPathsTests {
    /// A callee's text with a NUL and markup after it.
    static let target = "1001\u{0}<b>evil</b>"

    @Test("a detection's target goes whole into its episode, its incident, the alert and the timeline; the prefix is another episode and incident")
    func detectionToIncident() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var event = Fixture.fullEvent(callID: "call,0\n\"x\"")
        event.callee = CalledParty(raw: "sip:" + Self.target, key: Self.target)
        var batch = IngestBatch()
        batch.events = [event]
        batch.detections = [Fixture.detection(calls: 1, last: 60, target: Self.target), Fixture.detection(calls: 1, last: 60)]
        try store.commit(batch)

        let detections = try store.detections(limit: 10)
        #expect(detections.count == 2)
        #expect(Set(detections.map(\.target)) == [Self.target, "1001"])
        let incidents = try store.incidents(limit: 10)
        #expect(incidents.count == 2)
        let incident = try #require(incidents.first { $0.key.target == Self.target })
        #expect(incident.key.identity == Fixture.caller.description)

        // An update of the episode finds it by its whole key: still two episodes, one detection each.
        batch = IngestBatch()
        batch.detections = [Fixture.detection(calls: 2, last: 120, target: Self.target)]
        try store.commit(batch)
        #expect(try store.detections(limit: 10).count == 2)
        #expect(try store.incident(id: incident.id)?.detectionCount == 1)
        #expect(try store.incidents(limit: 10).count == 2)

        let timeline = try #require(try store.timeline(incidentID: incident.id))
        #expect(timeline.incident.key.target == Self.target)
        #expect(timeline.detections.map(\.target) == [Self.target])
        #expect(timeline.detections.first?.calls == 2)
        let alert = try #require(try store.alerts(incidentID: incident.id).first)
        #expect(alert.target == Self.target)
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("a rule's scope, reason and author, its removal, review and escalation reset keep text after a NUL, in the audit log too")
    func rulesKeepEverything() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var rule = Fixture.blockRule(origin: .detection)
        rule.reason = "threats\u{0}<script>x</script>"
        rule.createdBy = "cli:alice\u{0}mallory"
        rule.scope = Self.target
        let added = try store.addRule(rule, actor: "cli:alice\u{0}mallory")
        let id = try #require(added.id)
        let stored = try #require(try store.rules(activeAt: Fixture.time(0), includeExpired: true).first)
        #expect(stored.reason == rule.reason && stored.createdBy == rule.createdBy && stored.scope == Self.target)

        let review = try store.approveRule(id, actor: "bob\u{0}x", reason: "seen\u{0}twice", time: Fixture.time(150))
        #expect(try store.ruleReviews([id])[id] == review)
        #expect(review.reviewedBy == "bob\u{0}x" && review.reason == "seen\u{0}twice")

        let outcome = try store.removeRules(
            RuleRemoval(selector: .id(id), actor: "carol\u{0}y", reason: "a nurse\u{0}really", falsePositive: true,
                        time: Fixture.time(200)))
        #expect(outcome.escalationReset)
        let removed = try #require(try store.removedRules(limit: 10).first)
        #expect(removed.rule.reason == rule.reason && removed.rule.createdBy == rule.createdBy && removed.rule.scope == Self.target)
        #expect(removed.removedBy == "carol\u{0}y" && removed.reason == "a nurse\u{0}really")
        let details = try store.ruleDetails(.id(id))
        #expect(details.first?.removal == removed)
        let reset = try #require(try store.escalationResets(since: Fixture.time(0)).first)
        #expect(reset.actor == "carol\u{0}y" && reset.reason == "a nurse\u{0}really")
        let allow = try #require(outcome.allowRule)
        #expect(try store.rules(activeAt: Fixture.time(300), includeExpired: false).first { $0.id == allow.id }?.reason
            == "false positive: a nurse\u{0}really")

        let audit = try store.auditLog(limit: 100)
        #expect(audit.contains { $0.action == "rule.add" && $0.actor == "cli:alice\u{0}mallory" && $0.detail.hasSuffix(rule.reason) })
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("a token name with a NUL is its own name: the prefix is another token, and revoking one leaves the other")
    func tokenNames() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        func token(_ name: String, _ lookup: String) -> StoredAccessToken {
            StoredAccessToken(
                name: name, role: .viewer, lookup: lookup, secretHash: Array(repeating: 7, count: 32), createdAt: Fixture.time(0),
                createdBy: "cli:root\u{0}x")
        }
        try store.addToken(token("ops\u{0}evil", "aa01"), actor: "cli:root")
        try store.addToken(token("ops", "aa02"), actor: "cli:root")
        #expect(throws: AccessTokenError.self) { try store.addToken(token("ops\u{0}evil", "aa03"), actor: "cli:root") }
        #expect(try store.tokens().map(\.name) == ["ops\u{0}evil", "ops"])
        #expect(try store.token(lookup: "aa01")?.createdBy == "cli:root\u{0}x")

        #expect(try store.revokeToken(name: "ops", actor: "cli:root", at: Fixture.time(10)))
        let tokens = try store.tokens()
        #expect(tokens.first { $0.name == "ops\u{0}evil" }?.revokedAt == nil)
        #expect(tokens.first { $0.name == "ops" }?.revokedAt == Fixture.time(10))
        #expect(try store.auditLog(limit: 10).contains { $0.subject == "token ops\u{0}evil" })
    }

    @Test("a pushed event whose call id has a NUL is stored once however often it is resent, apart from the prefix-only id; purged keys go")
    func pushedKeys() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Fixture.minimalEvent(callID: "push\u{0}tail", at: 10)]
        try store.commitPushed(batch)
        try store.commitPushed(batch)
        #expect(try store.pushedEventKeyCount() == 1)
        #expect(try store.statistics().events == 1)

        batch.events = [Fixture.minimalEvent(callID: "push", at: 10)]
        try store.commitPushed(batch)
        try store.commitPushed(batch)
        #expect(try store.pushedEventKeyCount() == 2)
        #expect(try store.statistics().events == 2)
        #expect(Set(try store.events(countedSince: Fixture.time(0), limit: 10).map(\.callID)) == ["push\u{0}tail", "push"])

        // A walk one key at a time resumes after the key it read, and its delete finds that key.
        var position: PushedEventKeyPosition?
        var purged = 0
        for _ in 0..<4 {
            let step = try store.purgePushedEventKeys(storedBefore: Timestamp(secondsSinceEpoch: 4_000_000_000), after: position, limit: 1)
            purged += step.purged
            position = step.next
            if position == nil { break }
        }
        #expect(purged == 2)
        #expect(try store.pushedEventKeyCount() == 0)
    }

    @Test("a recording's call id, location and author keep text after a NUL; the prefix-only location is another recording")
    func recordingLink() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let callID = "call\u{0}tail"
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(callID: callID)]
        batch.detections = [Detection(
            kind: .repeatCaller, caller: Fixture.caller, callers: [Fixture.caller], target: "1001", calls: 1,
            first: Fixture.time(0), last: Fixture.time(0), action: .alert, actionExpires: nil, offence: 1, callIDs: [callID])]
        try store.commit(batch)
        func link(_ location: String) throws -> RecordingEvidence {
            try store.linkRecording(NewRecording(
                callID: callID, location: location, origin: .file, size: 10, sha256: String(repeating: "ab", count: 32),
                recordedAt: Fixture.time(0), linkedAt: Fixture.time(100), actor: "watcher\u{0}x"))
        }
        let first = try link("/var/spool/rec/a\u{0}b.wav")
        #expect(first.callID == callID && first.location == "/var/spool/rec/a\u{0}b.wav")
        #expect(try link("/var/spool/rec/a\u{0}b.wav").id == first.id)
        let prefix = try link("/var/spool/rec/a")
        #expect(prefix.id != first.id)
        #expect(try store.recordings(limit: 10).map(\.location) == ["/var/spool/rec/a\u{0}b.wav", "/var/spool/rec/a"])
        let incident = try #require(try store.incidents(limit: 1).first)
        #expect(try store.timeline(incidentID: incident.id)?.recordings.map(\.id) == [first.id, prefix.id])
        #expect(try store.auditLog(limit: 10).contains { $0.actor == "watcher\u{0}x" && $0.subject == "call " + callID })
        #expect(try store.verifyEvidenceChain().findings == [])
    }
}
