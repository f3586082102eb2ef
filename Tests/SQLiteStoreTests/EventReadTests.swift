import CallModel
import CallwardenPorts
import SQLiteStore
import Testing

@Suite("Event storage and warm-up reads")
struct EventReadTests {
    @Test("every field of a call event round-trips, filled or empty")
    func eventRoundTrip() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var cancelled = Fixture.fullEvent(callID: "fs-uuid-3", at: 20)
        cancelled.source = .freeswitchCSV
        cancelled.phase = .cancelled
        cancelled.disposition = .cancelled
        cancelled.talkTime = .seconds(0)
        cancelled.caller = CallerIdentity(raw: "0113 496 0999", number: Fixture.leeds)
        cancelled.callee = CalledParty(raw: "020 7946 0123", key: Fixture.landline.description)
        var decision = Fixture.minimalEvent(callID: "decision-4", at: 30)
        decision.source = .decisionRequest
        decision.caller.internalExtension = "2002"
        let events = [Fixture.fullEvent(), Fixture.minimalEvent(at: 10), cancelled, decision]
        var batch = IngestBatch()
        batch.events = events
        try store.commit(batch)

        #expect(try store.events(countedSince: Fixture.time(-1_000), limit: 10) == events)
    }

    @Test("events are selected by counted time (call start when known), oldest first, newest kept at the limit")
    func countedSinceAndLimit() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        // fullEvent's time is 45 s after its start; it is counted at its start.
        let events = (0..<6).map { Fixture.fullEvent(callID: "call-\($0)", at: Int64($0) * 100) }
        var batch = IngestBatch()
        batch.events = events.reversed()
        try store.commit(batch)

        let since = try store.events(countedSince: Fixture.time(200), limit: 100)
        #expect(since.map(\.callID) == ["call-2", "call-3", "call-4", "call-5"])
        let limited = try store.events(countedSince: Fixture.time(0), limit: 2)
        #expect(limited.map(\.callID) == ["call-4", "call-5"])
        #expect(try store.events(countedSince: Fixture.time(146), limit: 100).first?.callID == "call-2")
        #expect(try store.events(countedSince: Fixture.time(0), limit: 0).isEmpty)
    }
}

@Suite("Multi-row event inserts")
struct EventChunkTests {
    @Test("batches larger than one multi-row INSERT keep every event, in order", arguments: [31, 32, 33, 70, 4_096])
    func largeBatchesRoundTrip(count: Int) throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let events = (0..<count).map { index in
            index % 2 == 0
                ? Fixture.fullEvent(callID: "1700000000.\(index)", at: Int64(index))
                : Fixture.minimalEvent(callID: "sip-\(index)@host", at: Int64(index))
        }
        var batch = IngestBatch()
        batch.events = events
        try store.commit(batch)
        #expect(try store.events(countedSince: Fixture.time(-1), limit: count + 10) == events)
        #expect(try store.statistics().calls == count)
    }
}
