import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import Testing

/// Issue 15, "one picture": incidents and their alerts in the shared PostgreSQL, decided by the
/// same ``IncidentLedger`` rules as SQLite. Real server; each node is a ``PostgresStore`` with its
/// own connection and node name, as two Callwarden nodes would be.
@Suite("Several sites: incidents and alerts on the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedIncidentsTests {
    static let harasser = E164Number(e164: "+447700900456")!

    static func node(_ name: String, _ settings: PostgresSettings) throws -> PostgresStore {
        try PostgresStore(settings: settings, node: name, logger: Logger(label: "test.\(name)"))
    }

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    /// A batch as a node's ingest commits it: the calls it stored and the episode its detector found.
    static func batch(node: String, first: Int64, calls: Int, target: String = "1001", action: ResponseAction = .alert) -> IngestBatch {
        let ids = (0..<calls).map { "\(node)-\(first)-\($0)" }
        var batch = IngestBatch()
        for (index, id) in ids.enumerated() {
            batch.events.append(
                CallEvent(
                    time: time(first + Int64(index) * 60), callID: id, source: .asteriskCSV, phase: .ended,
                    disposition: .answered,
                    caller: CallerIdentity(raw: harasser.description, number: harasser),
                    callee: CalledParty(raw: target, key: target)))
        }
        batch.detections.append(
            Detection(
                kind: .repeatCaller, caller: harasser, callers: [harasser], target: target, calls: calls, first: time(first),
                last: time(first + Int64(calls - 1) * 60), action: action, actionExpires: nil, offence: 1, callIDs: ids))
        return batch
    }

    @Test("a harasser seen at two sites is one incident: both episodes counted, every call linked, one opening alert")
    func oneIncidentAcrossSites() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.node("site-a", settings)
        let b = try Self.node("site-b", settings)
        defer { a.close(); b.close() }

        try a.commit(Self.batch(node: "site-a", first: 0, calls: 3))
        try b.commit(Self.batch(node: "site-b", first: 100, calls: 4))

        let incidents = try b.incidents(status: nil, limit: 10)
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.identity == Self.harasser.description)
        #expect(incident.detectionCount == 2)
        #expect(incident.kind == .harassment)
        let alerts = try a.alerts(incidentID: incident.id)
        #expect(alerts.map(\.event) == [.opened], "the second site's episode falls inside the rate limit")
        #expect(try a.incident(id: incident.id)?.status == .open)
        // Both sites' detections name the one incident.
        #expect(try a.detections(limit: 10).count == 2)
    }

    @Test("two sites committing the same harasser at once never open a second incident (and never deadlock)")
    func concurrentSitesGroupIntoOne() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let nodes = try ["site-a", "site-b", "site-c"].map { try Self.node($0, settings) }
        defer { nodes.forEach { $0.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    try await Task.detached {
                        for round in 0..<15 {
                            // Each batch carries episodes against two targets, in opposite orders on
                            // alternate nodes: lock order must not depend on the batch's order.
                            var batch = Self.batch(node: node.node, first: Int64(round * 10_000 + index * 1_000), calls: 2, target: "1001")
                            let other = Self.batch(node: node.node, first: Int64(round * 10_000 + index * 1_000 + 500), calls: 2, target: "1002")
                            batch.events += other.events
                            batch.detections = index % 2 == 0 ? batch.detections + other.detections : other.detections + batch.detections
                            try node.commit(batch)
                        }
                    }.value
                }
            }
            try await group.waitForAll()
        }
        let incidents = try nodes[0].incidents(status: nil, limit: 100)
        #expect(incidents.count == 2, "one per target")
        #expect(incidents.map(\.detectionCount).sorted() == [45, 45])
    }

    @Test("a status change made on one site is seen on the other, alerted once; after closing, the next episode opens a new incident")
    func statusChangesAreShared() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.node("site-a", settings)
        let b = try Self.node("site-b", settings)
        defer { a.close(); b.close() }
        try a.commit(Self.batch(node: "site-a", first: 0, calls: 3))
        let id = try #require(try b.incidents(status: .open, limit: 1).first?.id)

        _ = try b.changeStatus(incidentID: id, to: .acknowledged, actor: "ops:bea", note: "", at: Self.time(1_000))
        #expect(throws: IncidentChangeError.self) {
            try a.changeStatus(incidentID: id, to: .open, actor: "ops:al", note: "", at: Self.time(1_001))
        }
        let closed = try a.changeStatus(incidentID: id, to: .closed, actor: "ops:al", note: "reported to police", at: Self.time(1_002))
        #expect(closed.status == .closed)
        #expect(closed.transitions.map(\.actor) == ["ops:bea", "ops:al"])
        #expect(try b.alerts(incidentID: id).map(\.event) == [.opened, .statusChanged, .resolved])

        try b.commit(Self.batch(node: "site-b", first: 5_000, calls: 3))
        let all = try a.incidents(status: nil, limit: 10)
        #expect(all.count == 2)
        #expect(all.first { $0.id != id }?.status == .open)
    }

    @Test("caller text with a NUL stays whole in the incident and its alert")
    func textStaysWhole() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.node("site-a", settings)
        defer { a.close() }
        try a.commit(Self.batch(node: "site-a", first: 0, calls: 3, target: "10\u{0}01\u{202E}"))
        let incident = try #require(try a.incidents(status: nil, limit: 1).first)
        #expect(incident.target == "10\u{0}01\u{202E}")
        #expect(try a.alerts(incidentID: incident.id).first?.target == "10\u{0}01\u{202E}")
    }
}
