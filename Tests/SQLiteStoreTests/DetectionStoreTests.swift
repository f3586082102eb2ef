import CallModel
import CallwardenPorts
import Incidents
import SQLiteStore
import Testing

@Suite("Detections and incidents")
struct DetectionStoreTests {
    @Test("upserting the same episode updates it in place and opens exactly one incident")
    func upsertUpdatesInPlace() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.detections = [Fixture.detection(calls: 5, last: 600, action: .alert)]
        try store.commit(batch)
        let escalated = Fixture.detection(calls: 8, last: 900, action: .block)
        batch.detections = [escalated]
        try store.commit(batch)

        #expect(try store.detections(limit: 10) == [escalated])
        let incidents = try store.incidents(limit: 10)
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.kind == .harassment)
        #expect(incident.severity == .low)
        #expect(incident.identity == Fixture.caller.description)
        #expect(incident.target == "1001")
        #expect(incident.status == .open)
        #expect(incident.detectionCount == 1)
        #expect(incident.openedAt == Fixture.time(0))
        #expect(incident.updatedAt == Fixture.time(900))
        #expect(try store.statistics().detections == 1)
    }

    @Test("call ids round-trip whatever they hold: plain, empty, slashes, quotes, backslashes, NUL, combining marks")
    func callIDsRoundTrip() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let ids = [
            "1700000000.1", "", "sip-2@host", "a/b", "\u{301}starts-combining", "ends\u{301}", "back\\slash",
            "\"quoted\"", "nul\u{0}x", "é", "\",\"", "[\"", "\"]",
        ]
        for list in [ids, ["only-plain", "ids@host"], [""], ["\u{301}"]] {
            var detection = Fixture.detection(calls: list.count, target: "t\(list.count)")
            detection.callIDs = list
            var batch = IngestBatch()
            batch.detections = [detection]
            try store.commit(batch)
            #expect(try store.detections(limit: 1).first?.callIDs == list)
        }
    }

    @Test("an updated episode links its new calls to its incident and keeps the ones it no longer lists")
    func updatedEpisodeLinksNewCalls() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let callIDs = (0..<7).map { "dos-\($0)@host" }
        var batch = IngestBatch()
        batch.events = callIDs.enumerated().map { Fixture.minimalEvent(callID: $1, at: Int64($0) * 60) }
        var first = Fixture.detection(calls: 5, last: 240)
        first.callIDs = Array(callIDs[0..<5])
        batch.detections = [first]
        try store.commit(batch)
        var later = Fixture.detection(calls: 7, last: 360)
        later.callIDs = Array(callIDs[2..<7])  // the episode lists its latest five calls only
        batch = IngestBatch()
        batch.detections = [later]
        try store.commit(batch)

        let incident = try #require(try store.incidents(limit: 10).first)
        let linked = try #require(try store.timeline(incidentID: incident.id)).calls.map(\.callID)
        #expect(Set(linked) == Set(callIDs))
        #expect(linked.count == callIDs.count)
    }

    @Test("a new episode of the same kind, identity and target joins the open incident")
    func newEpisodeJoinsIncident() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.detections = [Fixture.detection()]
        try store.commit(batch)
        var reoffence = Fixture.detection(calls: 6, last: 90_600, first: 90_000)
        reoffence.offence = 2
        batch.detections = [reoffence, Fixture.detection(target: "1002")]
        try store.commit(batch)

        let detections = try store.detections(limit: 10)
        #expect(detections.count == 3)
        #expect(detections.first == reoffence)
        let incidents = try store.incidents(limit: 10)
        #expect(incidents.count == 2)
        #expect(incidents.map(\.target) == ["1001", "1002"])
        #expect(incidents.first?.detectionCount == 2)
        #expect(incidents.first?.updatedAt == Fixture.time(90_600))
        #expect(incidents.last?.detectionCount == 1)
    }

    @Test("unidentified and number-hopping detections round-trip; a hopping cluster is one incident however it grows")
    func identitiesWithoutOneCaller() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let anonymous = Detection(
            kind: .anonymous, caller: nil, callers: [], target: "1001", calls: 4, first: Fixture.time(0),
            last: Fixture.time(300), action: .redirect, actionExpires: Fixture.time(3_600), offence: 1,
            callIDs: ["a", "b"])
        let hopping = Detection(
            kind: .numberHopping, caller: nil, callers: [Fixture.caller, Fixture.otherCaller], target: "1003",
            calls: 3, first: Fixture.time(0), last: Fixture.time(200), action: .watch)
        var batch = IngestBatch()
        batch.detections = [anonymous, hopping]
        try store.commit(batch)

        #expect(try store.detections(limit: 10) == [anonymous, hopping])
        #expect(try store.detections(limit: 1) == [anonymous])
        let identities = try store.incidents(limit: 10).map(\.identity).sorted()
        #expect(identities == ["hopping-cluster", "unidentified"])

        var grown = hopping
        grown.callers.append(Fixture.leeds)
        grown.calls = 4
        grown.last = Fixture.time(400)
        batch.detections = [grown]
        try store.commit(batch)
        let incidents = try store.incidents(limit: 10)
        #expect(incidents.count == 2)
        #expect(incidents.first { $0.kind == .numberHopping }?.detectionCount == 1)
    }
}
