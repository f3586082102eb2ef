import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

@Suite("Text with an embedded NUL is stored and read back whole")
struct FullLengthTextTests {
    @Test("a caller name, raw caller and call id with NUL round-trip through the store, and the chain hashes all of it")
    func nulRoundTrips() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var event = Fixture.fullEvent(callID: "call,0\n\"x\"")
        event.caller.displayName = "Reception\u{0}<meta http-equiv=refresh content=0>"
        event.caller.raw = "sip:07700900123\u{0}@evil.example"
        event.callee = CalledParty(raw: "1001\u{0}9", key: "1001")
        var batch = IngestBatch()
        batch.events = [event, Fixture.fullEvent(callID: "call,1\n\"x\"", at: 60)]
        batch.detections = [Fixture.detection(calls: 2, last: 60, action: .alert)]
        try store.commit(batch)

        let stored = try #require(try store.events(countedSince: Fixture.time(-1), limit: 10).first)
        #expect(stored.caller.displayName == "Reception\u{0}<meta http-equiv=refresh content=0>")
        #expect(stored.caller.raw == "sip:07700900123\u{0}@evil.example")
        #expect(stored.callee.raw == "1001\u{0}9")
        #expect(stored == event)

        let incident = try #require(try store.incidents(limit: 1).first)
        let call = try #require(try store.timeline(incidentID: incident.id)?.calls.first)
        #expect(call.caller.displayName == "Reception\u{0}<meta http-equiv=refresh content=0>")
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    /// Hostile text: a NUL with markup after it, a bidi override, a prepended concatenation mark
    /// before `<`, a combining mark and a C1 control.
    static let hostile = "Reception\u{0}<b>x</b>\u{202E}gpj.exe\u{0605}<i>\u{301}\u{85}end"

    @Test("an MCID flag's copy of the call, its note, headers and withdrawal, incident notes and the audit log keep text after a NUL, on disk")
    func flagsNotesAndAuditKeepEverything() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let callID = "call\u{0}tail"
        var event = Fixture.fullEvent(callID: callID)
        event.caller.displayName = Self.hostile
        event.caller.raw = "sip:07700900123\u{0}@evil.example"
        event.caller.internalExtension = "2001\u{0}9"
        event.callee = CalledParty(raw: "1001\u{0}x", key: "1001\u{0}y")
        var batch = IngestBatch()
        batch.events = [event]
        try store.commit(batch)

        let outcome = try store.flagMaliciousCall(
            MCIDRequest(
                call: .callID(callID), kind: .threat, actor: "pbx\u{0}evil", note: "note " + Self.hostile,
                time: Fixture.time(200), sourceAddress: "198.51.100.7:5060\u{0}x",
                sipHeaders: [SIPHeaderField(name: "X-Name", value: Self.hostile)]),
            crisisLine: nil)
        let flag = outcome.flag
        #expect(flag.callID == callID)
        #expect(flag.call?.callID == callID)
        #expect(flag.call?.caller.displayName == Self.hostile)
        #expect(flag.call?.caller.raw == "sip:07700900123\u{0}@evil.example")
        #expect(flag.call?.caller.internalExtension == "2001\u{0}9")
        #expect(flag.call?.callee == CalledParty(raw: "1001\u{0}x", key: "1001\u{0}y"))
        #expect(flag.flaggedBy == "pbx\u{0}evil")
        #expect(flag.note == "note " + Self.hostile)
        #expect(flag.sourceAddress == "198.51.100.7:5060\u{0}x")
        #expect(flag.sipHeaders == [SIPHeaderField(name: "X-Name", value: Self.hostile)])

        let id = outcome.incident.id
        try store.addNote(incidentID: id, actor: "alice\u{0}mallory", note: "called back " + Self.hostile, at: Fixture.time(300))
        let withdrawn = try store.withdrawFlag(
            MCIDWithdrawal(flagID: flag.id, actor: "bob\u{0}x", reason: "wrong " + Self.hostile, time: Fixture.time(400)))
        #expect(withdrawn.withdrawal?.actor == "bob\u{0}x")
        #expect(withdrawn.withdrawal?.reason == "wrong " + Self.hostile)

        let timeline = try #require(try store.timeline(incidentID: id))
        // The link holds the whole call id, so the call is on the timeline.
        #expect(timeline.calls.map(\.callID) == [callID])
        let note = try #require(timeline.log.first { $0.action == "note" && $0.note.hasPrefix("called back") })
        #expect(note.note == "called back " + Self.hostile)
        #expect(note.actor == "alice\u{0}mallory")
        #expect(timeline.log.contains { $0.note == "MCID flag \(flag.id) withdrawn (wrong call): wrong " + Self.hostile })
        let audit = try store.auditLog(limit: 100)
        #expect(audit.contains { $0.actor == "alice\u{0}mallory" && $0.detail == "called back " + Self.hostile })
        #expect(audit.contains { $0.action == "mcid.withdraw" && $0.detail == "wrong " + Self.hostile })
        #expect(try store.auditLog(since: nil, limit: 100) == audit)

        // The chain hashed what is stored, all of it: an edit after the NUL is seen.
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("a subject access export carries text after a NUL; erasure removes a call whose id has a NUL")
    func exportAndEraseWholeText() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var event = Fixture.fullEvent(callID: "call\u{0}tail")
        event.caller.displayName = Self.hostile
        var batch = IngestBatch()
        batch.events = [event]
        try store.commit(batch)

        let json = try store.exportPersonalData(number: Fixture.caller, pseudonym: "hmac:abc", actor: "dpo", at: Fixture.time(100))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let events = try #require(object["call_events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events.first?["caller_name"] as? String == Self.hostile)
        #expect(events.first?["call_id"] as? String == "call\u{0}tail")

        _ = try store.erasePersonalData(number: Fixture.caller, pseudonym: "hmac:abc", reason: "SAR-1", actor: "dpo", at: Fixture.time(200))
        #expect(try store.statistics().events == 0)
        #expect(try store.verifyEvidenceChain().findings == [])
    }
}
