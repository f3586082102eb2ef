import CallModel
import CallwardenPorts
import SQLiteStore
import Testing

@Suite("Batch commit, checkpoints and statistics")
struct CommitTests {
    @Test("a batch whose second half violates a constraint stores nothing of the batch")
    func commitIsAtomic() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(), Fixture.minimalEvent()]
        var broken = Fixture.detection()
        broken.calls = -1  // refused by CHECK (calls >= 0), after the events and the incident were written
        batch.detections = [Fixture.detection(target: "1002"), broken]
        batch.rules = [Fixture.blockRule(origin: .detection)]
        batch.checkpoints = [Fixture.checkpoint()]
        batch.malformedCount = 3

        let error = #expect(throws: SQLiteStoreError.self) { try store.commit(batch) }
        #expect(error?.code == .constraintViolation)
        #expect(try store.statistics() == StoreStatistics())
        #expect(try store.events(countedSince: Fixture.time(-10_000), limit: 100).isEmpty)
        #expect(try store.incidents(limit: 10).isEmpty)
        #expect(try store.detections(limit: 10).isEmpty)
        #expect(try store.checkpoint(forPath: Fixture.checkpoint().path) == nil)
        #expect(try store.auditLog(limit: 10).isEmpty)

        // The store is still usable and the same statements work for a good batch.
        batch.detections = [Fixture.detection()]
        try store.commit(batch)
        #expect(try store.statistics() == StoreStatistics(events: 2, calls: 2, detections: 1, rules: 1, malformed: 3))
    }

    @Test("a checkpoint round-trips, UInt64 values above Int64.max included, and is replaced by path")
    func checkpointRoundTrip() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let checkpoint = Fixture.checkpoint()
        #expect(checkpoint.inode > UInt64(Int64.max))
        var batch = IngestBatch()
        batch.checkpoints = [checkpoint, Fixture.checkpoint(path: "/var/log/freeswitch/cdr-csv/Master.csv")]
        try store.commit(batch)
        #expect(try store.checkpoint(forPath: checkpoint.path) == checkpoint)

        var moved = checkpoint
        moved.offset = 8_192
        moved.lineNumber = 84
        moved.inode = 12
        moved.headHash = 1 << 63
        batch.checkpoints = [moved]
        try store.commit(batch)
        #expect(try store.checkpoint(forPath: checkpoint.path) == moved)
        #expect(try store.checkpoint(forPath: "/var/log/freeswitch/cdr-csv/Master.csv")?.device == checkpoint.device)
        #expect(try store.checkpoint(forPath: "/nowhere") == nil)
    }

    @Test("statistics count events, distinct calls by call id (one call whichever sources saw it), detections, rules and malformed records")
    func statisticsCount() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var first = IngestBatch()
        var started = Fixture.minimalEvent(callID: "shared-id")
        var ended = started
        ended.phase = .ended
        ended.disposition = .noAnswer
        started.source = .sip
        ended.source = .sip
        var sameIDOtherSource = Fixture.fullEvent(callID: "shared-id")
        sameIDOtherSource.source = .jsonLines
        first.events = [started, ended, sameIDOtherSource, Fixture.fullEvent(callID: "other")]
        first.malformedCount = 2
        try store.commit(first)

        var second = IngestBatch()
        second.malformedCount = 5
        second.detections = [Fixture.detection()]
        second.rules = [Fixture.blockRule(origin: .detection)]
        try store.commit(second)

        #expect(try store.statistics() == StoreStatistics(events: 4, calls: 2, detections: 1, rules: 1, malformed: 7))
    }

    @Test("an empty batch changes nothing")
    func emptyBatch() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        try store.commit(IngestBatch())
        #expect(try store.statistics() == StoreStatistics())
    }

    @Test("closing and reopening the file keeps events, detections, incidents, rules, audit and checkpoints")
    func reopenKeepsEverything() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(), Fixture.minimalEvent(at: 5)]
        batch.detections = [Fixture.detection(action: .block)]
        batch.rules = [Fixture.blockRule(expiresAt: Fixture.time(90_000), origin: .detection)]
        batch.checkpoints = [Fixture.checkpoint()]
        batch.malformedCount = 1
        try store.commit(batch)
        _ = try store.addRule(
            Rule(match: .unidentified, action: .redirect(to: "+442079460999"), reason: "crisis line",
                 createdBy: "cli:alice", createdAt: Fixture.time(200)),
            actor: "cli:alice")
        let statistics = try store.statistics()
        let events = try store.events(countedSince: Fixture.time(-1), limit: 10)
        let detections = try store.detections(limit: 10)
        let incidents = try store.incidents(limit: 10)
        let rules = try store.rules(activeAt: Fixture.time(0), includeExpired: true)
        let audit = try store.auditLog(limit: 10)
        try store.close()

        let reopened = try SQLiteStore(path: directory.databasePath)
        defer { try? reopened.close() }
        #expect(try reopened.statistics() == statistics)
        #expect(statistics == StoreStatistics(events: 2, calls: 2, detections: 1, rules: 2, malformed: 1))
        #expect(try reopened.events(countedSince: Fixture.time(-1), limit: 10) == events)
        #expect(try reopened.detections(limit: 10) == detections)
        #expect(try reopened.incidents(limit: 10) == incidents)
        #expect(try reopened.rules(activeAt: Fixture.time(0), includeExpired: true) == rules)
        #expect(try reopened.auditLog(limit: 10) == audit)
        #expect(audit.count == 3)  // rule.auto-add, rule.add and the incident opened by the detection
        #expect(try reopened.checkpoint(forPath: Fixture.checkpoint().path) == Fixture.checkpoint())
    }
}
