import CallModel
import CallwardenPorts
import Incidents
import SQLiteStore
import Testing

@Suite("One call, many witnesses, in the store")
struct WitnessStoreTests {
    /// The witnesses of one call: the decision question (blocked), the SIP dialog's start and
    /// failure, and the CDR, stored in the order they arrive.
    static func witnesses(callID: String, at seconds: Int64 = 0, decision: CallDecision) -> [CallEvent] {
        var question = Fixture.minimalEvent(callID: callID, at: seconds)
        question.source = .decisionRequest
        question.caller = CallerIdentity(raw: "+447700900123", number: Fixture.caller)
        question.callee = CalledParty(raw: "1001", key: "1001")
        question.callStart = Fixture.time(seconds)
        question.decision = decision
        var dialog = question
        dialog.source = .sip
        dialog.decision = nil
        dialog.caller.assertedIdentity = Fixture.landline
        dialog.caller.displayName = "Test Caller"
        var dialogEnd = dialog
        dialogEnd.phase = .failed
        dialogEnd.disposition = .rejected
        dialogEnd.time = Fixture.time(seconds + 1)
        var cdr = Fixture.fullEvent(callID: callID, at: seconds)
        cdr.caller = question.caller
        cdr.callee = question.callee
        cdr.phase = .failed
        cdr.disposition = .busy
        cdr.duration = .seconds(2)
        cdr.talkTime = .seconds(0)
        return [question, dialog, dialogEnd, cdr]
    }

    static let block = CallDecision(action: .block, ruleID: 7, reason: "threatened reception")

    @Test("a decision is stored with its question and read back, redirect target included")
    func decisionRoundTrip() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var redirected = Self.witnesses(callID: "q-2", at: 10, decision: Self.block)[0]
        redirected.decision = CallDecision(action: .redirect(to: "+442079460999"), ruleID: nil, reason: "")
        var batch = IngestBatch()
        batch.events = [Self.witnesses(callID: "q-1", decision: Self.block)[0], redirected]
        try store.commit(batch)
        #expect(try store.events(countedSince: Fixture.time(-1), limit: 10) == batch.events)
    }

    @Test("a call's witnesses from every source are one call in the statistics")
    func oneCallInStatistics() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = Self.witnesses(callID: "a84b4c76e66710@carrier.example", decision: Self.block)
            + Self.witnesses(callID: "b84b4c76e66710@carrier.example", at: 60, decision: .defaultAllow)
        try store.commit(batch)
        let statistics = try store.statistics()
        #expect(statistics.events == 8)
        #expect(statistics.calls == 2)
    }

    @Test("the timeline shows one merged call per call id, with every witness and the decision")
    func timelineMergesWitnesses() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = Self.witnesses(callID: "call,0\n\"x\"", decision: Self.block)
            + Self.witnesses(callID: "call,1\n\"x\"", at: 60, decision: .defaultAllow)
        batch.detections = [Fixture.detection(calls: 2, last: 60)]
        try store.commit(batch)
        let id = try #require(try store.incidents(limit: 1).first?.id)
        let timeline = try #require(try store.timeline(incidentID: id))
        #expect(timeline.calls.map(\.callID) == ["call,0\n\"x\"", "call,1\n\"x\""])
        let blocked = try #require(timeline.calls.first)
        #expect(blocked.witnesses.map(\.source) == [.decisionRequest, .sip, .sip, .asteriskCSV])
        #expect(blocked.witnesses.map(\.phase) == [.started, .started, .failed, .failed])
        #expect(blocked.source == .decisionRequest)
        #expect(blocked.start == Fixture.time(0))
        #expect(blocked.decision == Self.block)
        #expect(blocked.wasBlocked)
        // The union: the number from the question, the asserted identity and name from SIP, the
        // ending and durations from the CDR.
        #expect(blocked.caller.number == Fixture.caller)
        #expect(blocked.caller.assertedIdentity == Fixture.landline)
        #expect(blocked.caller.displayName == "Test Caller")
        #expect(blocked.disposition == .busy)
        #expect(blocked.duration == .seconds(2))
        #expect(timeline.calls.last?.wasBlocked == false)
        #expect(timeline.entries.filter { if case .call = $0 { true } else { false } }.count == 2)
    }

    @Test("a blocked attempt that no other source saw is on record, marked blocked")
    func blockedAttemptAlone() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Self.witnesses(callID: "call,0\n\"x\"", decision: Self.block)[0]]
        batch.detections = [Fixture.detection(calls: 1, last: 0)]
        try store.commit(batch)
        let id = try #require(try store.incidents(limit: 1).first?.id)
        let call = try #require(try store.timeline(incidentID: id)?.calls.first)
        #expect(call.wasBlocked)
        #expect(call.disposition == nil)
        #expect(call.witnesses.count == 1)
    }
}
