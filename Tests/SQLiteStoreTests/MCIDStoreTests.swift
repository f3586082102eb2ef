import CallModel
import CallwardenPorts
import Incidents
import SQLiteStore
import Testing

@Suite("MCID flags and recordings in the store")
struct MCIDStoreTests {
    /// A withheld caller whose network-asserted identity is known, to extension 1001.
    static func withheldCall(callID: String = "1700000100.7", at seconds: Int64 = 100) -> CallEvent {
        CallEvent(
            time: Fixture.time(seconds + 30), callID: callID, source: .asteriskCSV, phase: .ended, disposition: .answered,
            callStart: Fixture.time(seconds), duration: .seconds(30), talkTime: .seconds(25),
            caller: CallerIdentity(raw: "anonymous", assertedIdentity: Fixture.caller, presentationRestricted: true),
            callee: CalledParty(raw: "1001", key: "1001"))
    }

    @Test("flagging by call id captures the asserted identity, opens a bomb-threat incident, blocks and alerts at once")
    func flagByCallID() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Self.withheldCall()]
        try store.commit(batch)
        let request = MCIDRequest(
            call: .callID("1700000100.7"), kind: .bombThreat, actor: "pbx:*39 from 1001", note: "caller named a time",
            time: Fixture.time(200), sourceAddress: "198.51.100.7:5060",
            sipHeaders: [SIPHeaderField(name: "P-Asserted-Identity", value: "<tel:+447700900123>"),
                         SIPHeaderField(name: "Privacy", value: "id")],
            addBlock: true)
        let outcome = try store.flagMaliciousCall(request, crisisLine: nil)
        #expect(outcome.openedIncident)
        #expect(outcome.incident.kind == .bombThreat)
        #expect(outcome.incident.severity == .critical)
        #expect(outcome.incident.identity == Fixture.caller.description)
        #expect(outcome.incident.target == "1001")
        #expect(outcome.flag.call?.caller.assertedIdentity == Fixture.caller)
        #expect(outcome.flag.call?.caller.presentationRestricted == true)
        #expect(outcome.flag.sourceAddress == "198.51.100.7:5060")
        #expect(outcome.flag.sipHeaders.count == 2)
        #expect(outcome.ruleIDs.count == 1)
        let rules = try store.rules(activeAt: Fixture.time(300), includeExpired: false)
        #expect(rules.map(\.match) == [.number(Fixture.caller)])
        let alerts = try store.alerts(incidentID: outcome.incident.id)
        #expect(alerts.map(\.event) == [.flagged])
        #expect(alerts.first?.key == outcome.alertKey)
        #expect(alerts.first?.severity == .critical)
        #expect(alerts.first?.detail.contains("7700900123") == false)
        let timeline = try #require(try store.timeline(incidentID: outcome.incident.id))
        #expect(timeline.calls.map(\.callID) == ["1700000100.7"])
        #expect(timeline.flags.count == 1)
        #expect(timeline.decisions.count == 1)
        #expect(timeline.log.map(\.action) == ["opened", "mcid"])

        // A second flag of the same kind about the same caller joins the open incident.
        let again = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("1700000100.7"), kind: .bombThreat, actor: "ops:carol", time: Fixture.time(260)),
            crisisLine: nil)
        #expect(!again.openedIncident)
        #expect(again.incident.id == outcome.incident.id)
    }

    @Test("flagging by extension finds the last call to it within the window; none found still alerts")
    func flagByExtension() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Self.withheldCall(callID: "old", at: 0), Self.withheldCall(callID: "recent", at: 500)]
        batch.events[0].caller = CallerIdentity(raw: "anonymous", presentationRestricted: true)
        batch.events[1].caller = CallerIdentity(raw: "anonymous", presentationRestricted: true)
        try store.commit(batch)
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(call: .lastCall(toExtension: "1001", within: .minutes(5)), kind: .threat, actor: "ext:1001",
                        time: Fixture.time(600), addRedirect: true),
            crisisLine: "+442079460999")
        #expect(outcome.flag.callID == "recent")
        #expect(outcome.incident.identity == "unidentified")
        #expect(outcome.incident.severity == .high)
        let rule = try #require(try store.rules(activeAt: Fixture.time(600), includeExpired: false).first)
        #expect(rule.match == .unidentified)
        #expect(rule.scope == "1001")
        #expect(rule.action == .redirect(to: "+442079460999"))

        let nothing = try store.flagMaliciousCall(
            MCIDRequest(call: .lastCall(toExtension: "1009", within: .minutes(5)), kind: .suicideThreat,
                        actor: "ext:1009", time: Fixture.time(600)),
            crisisLine: nil)
        #expect(nothing.flag.call == nil)
        #expect(nothing.incident.target == "1009")
        #expect(try store.alerts(incidentID: nothing.incident.id).first?.event == .flagged)
    }

    @Test("bad MCID requests are refused naming the field, and store nothing")
    func badRequests() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let suicideBlock = MCIDRequest(
            call: .callID("x"), kind: .suicideThreat, actor: "a", time: Fixture.time(0), addBlock: true)
        #expect(throws: IncidentChangeError.self) { try store.flagMaliciousCall(suicideBlock, crisisLine: nil) }
        let noCrisisLine = MCIDRequest(call: .callID("x"), kind: .threat, actor: "a", time: Fixture.time(0), addRedirect: true)
        #expect(throws: IncidentChangeError.self) { try store.flagMaliciousCall(noCrisisLine, crisisLine: nil) }
        let withheldBlock = MCIDRequest(call: .callID("unknown-call"), kind: .threat, actor: "a", time: Fixture.time(0), addBlock: true)
        #expect(throws: IncidentChangeError.self) { try store.flagMaliciousCall(withheldBlock, crisisLine: nil) }
        let longID = MCIDRequest(call: .callID(String(repeating: "x", count: 300)), kind: .threat, actor: "a", time: Fixture.time(0))
        #expect(throws: IncidentChangeError.invalidField("call_id", reason: "must be 1–256 bytes")) {
            try store.flagMaliciousCall(longID, crisisLine: nil)
        }
        #expect(try store.incidents(limit: 10).isEmpty)
        #expect(try store.rules(activeAt: Fixture.time(0), includeExpired: true).isEmpty)
    }

    @Test("recordings link to calls, once per location, and appear in the incident's timeline")
    func recordings() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Self.withheldCall()]
        try store.commit(batch)
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("1700000100.7"), kind: .threat, actor: "a", time: Fixture.time(200)), crisisLine: nil)
        let hash = String(repeating: "ab", count: 32)
        let recording = NewRecording(
            callID: "1700000100.7", location: "/var/spool/asterisk/monitor/1700000100.7.wav", origin: .file,
            size: 1_234, sha256: hash, recordedAt: Fixture.time(130), linkedAt: Fixture.time(300), actor: "watcher")
        let stored = try store.linkRecording(recording)
        var changed = recording
        changed.sha256 = String(repeating: "cd", count: 32)
        #expect(try store.linkRecording(changed) == stored)
        #expect(stored.sha256 == hash)
        #expect(throws: IncidentChangeError.self) {
            var bad = recording
            bad.location = "/elsewhere.wav"
            bad.sha256 = "XYZ"
            return try store.linkRecording(bad)
        }
        #expect(try store.recordings(limit: 10) == [stored])
        #expect(try store.timeline(incidentID: outcome.incident.id)?.recordings == [stored])
    }
}
