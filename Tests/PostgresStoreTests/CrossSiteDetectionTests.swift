import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import SystemClock
import Testing

/// Issue 15, "detection across sites": calls stored by every node are counted together by the one
/// node holding the cross-site detection lease. Real PostgreSQL, three nodes.
@Suite("Several sites: one detector over every site's calls", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct CrossSiteDetectionTests {
    static let harasser = E164Number(e164: "+447700900789")!
    /// The shipped thresholds' shape: five calls from one identity within 30 minutes is a repeat caller.
    static let yaml = "numbering:\n  country: GB\ndetection:\n  repeat_caller:\n    threshold: 5\n    window: 30m\n"

    /// A node's ingest commit of `count` calls from the harasser to its own reception (`first` minutes ago).
    static func calls(_ node: PostgresStore, count: Int, minutesAgo first: Int64, tag: String = "") throws {
        let now = WallClock.system.now()
        var batch = IngestBatch()
        for index in 0..<count {
            let time = now - TimeSpan.minutes(first) + TimeSpan.seconds(Int64(index) * 30)
            batch.events.append(
                CallEvent(
                    time: time, callID: "\(node.node)\(tag)-\(index)", source: .asteriskCSV, phase: .ended,
                    disposition: .answered, caller: CallerIdentity(raw: harasser.description, number: harasser),
                    callee: CalledParty(raw: "100", key: "100")))
        }
        try node.commit(batch)
    }

    static func detector(_ store: PostgresStore) throws -> LeasedJob {
        let configuration = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/")
        let detection = CrossSiteDetection(
            store: store, makeProcessor: { configuration.makeProcessor() }, warmUpHorizon: configuration.warmUpHorizon,
            exemptions: nil, pollInterval: .milliseconds(100), clock: .system, logger: Logger(label: "test.cross-site"))
        let lease = PostgresJobLease(job: CrossSiteDetection.job, holder: store.node + "/1", ttl: .seconds(3), store: store)
        return LeasedJob(lease: lease, retryInterval: .milliseconds(100), logger: Logger(label: "test.cross-site")) { grant in
            try await detection.run(lease: lease, grant: grant)
        }
    }

    @Test("two calls to each of three sites are one repeat caller, one incident; after a failover the episode goes on, counted once")
    func harasserSpreadOverSites() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let sites = try ["site-a", "site-b", "site-c"].map { try SharedIncidentsTests.node($0, settings) }
        defer { sites.forEach { $0.close() } }
        // Each site alone saw two calls: below the threshold of five anywhere.
        try Self.calls(sites[0], count: 2, minutesAgo: 10)
        try Self.calls(sites[1], count: 2, minutesAgo: 8)
        try Self.calls(sites[2], count: 2, minutesAgo: 6)

        let first = Task.detached { try await Self.detector(sites[0]).run() }
        let found = await LeasedJobTests.eventually { ((try? sites[1].detections(limit: 10)) ?? []).first?.calls == 6 }
        #expect(found)
        let detection = try #require(try sites[2].detections(limit: 10).first)
        #expect(detection.kind == .repeatCaller)
        #expect(detection.caller == Self.harasser)
        #expect(Set(detection.callIDs.map { $0.prefix(6) }) == ["site-a", "site-b", "site-c"])
        let incidents = try sites[1].incidents(status: nil, limit: 10)
        #expect(incidents.count == 1)
        #expect(try sites[0].alerts(incidentID: try #require(incidents.first?.id)).map(\.event) == [.opened])

        // The holder stops (its lease is released); two more calls come in at site C; site B's
        // detector takes over, warms up from what was read, and extends the same episode.
        first.cancel()
        _ = await first.result
        try Self.calls(sites[2], count: 2, minutesAgo: 3, tag: "-later")
        let second = Task.detached { try await Self.detector(sites[1]).run() }
        let extended = await LeasedJobTests.eventually { ((try? sites[0].detections(limit: 10)) ?? []).first?.calls == 8 }
        second.cancel()
        _ = await second.result
        #expect(extended)
        let detections = try sites[0].detections(limit: 10)
        #expect(detections.count == 1, "the same episode, not a second one")
        #expect(try sites[0].incidents(status: nil, limit: 10).map(\.detectionCount) == [1])
    }

    @Test("a history import at one site (start: beginning): its old burst is historical everywhere (no incident, no alert); a live burst after it opens one; a restart mid-import resumes with the cutoff")
    func historyImportAcrossSites() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let sites = try ["site-a", "site-b"].map { try SharedIncidentsTests.node($0, settings) }
        defer { sites.forEach { $0.close() } }
        // Site A imports its Master.csv's history: five calls two days ago, committed with a
        // checkpoint inside the history (the cutoff is the import's first commit, ten minutes ago).
        let now = WallClock.system.now()
        var history = IngestBatch()
        for index in 0..<5 {
            history.events.append(
                CallEvent(
                    time: now - TimeSpan.days(2) + TimeSpan.seconds(Int64(index) * 60), callID: "history-\(index)", source: .asteriskCSV,
                    phase: .ended, disposition: .answered, caller: CallerIdentity(raw: Self.harasser.description, number: Self.harasser),
                    callee: CalledParty(raw: "100", key: "100")))
        }
        let checkpoint = TailCheckpoint(
            path: "/var/log/asterisk/cdr-csv/Master.csv", device: 2049, inode: 12, offset: 900, lineNumber: 5, headHash: 0xBEEF,
            updatedAt: now, historyCutoff: now - TimeSpan.minutes(10), historyEnd: 1_800)
        history.checkpoints = [checkpoint]
        try sites[0].commit(history)
        #expect(try sites[0].checkpoint(forPath: checkpoint.path) == checkpoint, "cutoff and end come back: a restart goes on marking")

        let detector = Task.detached { try await Self.detector(sites[1]).run() }
        let marked = await LeasedJobTests.eventually { (try? sites[1].historicalDetectionCount()) == 1 }
        #expect(marked)
        #expect(try sites[1].incidents(status: nil, limit: 10).isEmpty, "no incident for a burst long over")
        #expect(try sites[1].detections(limit: 10).isEmpty)

        // A live burst at site B, after the cutoff: an incident, as always.
        try Self.calls(sites[1], count: 5, minutesAgo: 4, tag: "-live")
        let opened = await LeasedJobTests.eventually { ((try? sites[0].incidents(status: nil, limit: 10)) ?? []).count == 1 }
        detector.cancel()
        _ = await detector.result
        #expect(opened)
        #expect(try sites[0].historicalDetectionCount() == 1)
        #expect(try sites[0].detections(limit: 10).map(\.calls) == [5])
    }
}
