import CallModel
import CallwardenPorts
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
}
