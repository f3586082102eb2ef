import CallModel
import CallwardenPorts
import Incidents
import SQLiteStore
import Testing

@Suite("Upgrading a v1 store to the incident lifecycle")
struct IncidentMigrationTests {
    @Test("v1 incidents keep their ids and detections; repeat-caller becomes harassment; calls are linked")
    func upgradeKeepsIncidents() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "v1",
            thenExecute: """
                INSERT INTO incidents (id, kind, identity, target, status, opened_at, updated_at, detection_count)
                VALUES (7, 'repeat-caller', '+447700900123', '1001', 'open', 1700000000000000, 1700000600000000, 1),
                       (8, 'stalking', '+447700900456', '1002', 'closed', 1700000000000000, 1700000900000000, 1);
                INSERT INTO detections (episode_key, kind, caller, callers, target, calls, first_time, last_time, action,
                                        action_expires, offence, call_ids, incident_id)
                VALUES ('repeat-caller|+447700900123|1001|1700000000000000', 'repeat-caller', '+447700900123',
                        '["+447700900123"]', '1001', 2, 1700000000000000, 1700000600000000, 'alert', NULL, 1,
                        '["c-1","c-2"]', 7);
                """)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let incidents = try store.incidents(limit: 10)
        #expect(incidents.map(\.id).sorted() == [7, 8])
        let harassment = try #require(try store.incident(id: 7))
        #expect(harassment.kind == .harassment)
        #expect(harassment.severity == .low)
        #expect(harassment.detectionCount == 1)
        #expect(try store.incident(id: 8)?.severity == .medium)
        #expect(try store.incident(id: 8)?.status == .closed)
        let timeline = try #require(try store.timeline(incidentID: 7))
        #expect(timeline.detections.count == 1)

        // A later update of the same episode still finds its (rebuilt) incident.
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(callID: "c-2")]
        batch.detections = [Fixture.detection(calls: 3, last: 700, action: .alert)]
        batch.detections[0].callIDs = ["c-1", "c-2", "c-3"]
        try store.commit(batch)
        #expect(try store.incidents(limit: 10).count == 2)
        #expect(try store.timeline(incidentID: 7)?.calls.map(\.callID) == ["c-2"])
    }
}
