import CallModel
import CallwardenPorts
import SQLiteStore
import Testing

@Suite("Pushed events: idempotency keys")
struct PushedEventKeyTests {
    @Test("commitPushed stores a resent event once; commit stores what it is given")
    func repeatsAreSkippedOnlyForPushedBatches() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(), Fixture.minimalEvent()]
        try store.commitPushed(batch)
        // The sender resends both with one new event; the same event twice in one batch counts once.
        let third = Fixture.minimalEvent(callID: "sip-call-3@host", at: 5)
        batch.events = [Fixture.fullEvent(), third, Fixture.minimalEvent(), third]
        try store.commitPushed(batch)
        #expect(try store.statistics().events == 3)
        #expect(try store.pushedEventKeyCount() == 3)

        // A later phase of the same call, or the same phase at another time, is a new event.
        var later = Fixture.minimalEvent()
        later.phase = .answered
        var retimed = Fixture.minimalEvent()
        retimed.time = retimed.time + .seconds(1)
        batch.events = [later, retimed]
        try store.commitPushed(batch)
        #expect(try store.statistics().events == 5)

        // File batches (commit) are not keyed: their checkpoint makes them exactly-once.
        batch.events = [Fixture.fullEvent()]
        try store.commit(batch)
        #expect(try store.statistics().events == 6)
        #expect(try store.pushedEventKeyCount() == 5)
    }
}
