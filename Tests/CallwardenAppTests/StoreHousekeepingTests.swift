import CallModel
import Ingest
import CallPipeline
import CallwardenPorts
import CDRIngest
import CallwardenApp
import Evidence
import SystemClock
import Foundation
import Incidents
import Logging
import SQLiteStore
import Testing

@Suite("store.retention and the daemon's housekeeping")
struct StoreHousekeepingTests {
    @Test func theDefaultsKeepAlertsAMonthAndKeysAWeek() throws {
        let retention = try CallwardenConfiguration.parse(yaml: "", baseDirectory: "/").retention
        #expect(retention.deliveredAlerts == .days(30))
        #expect(retention.pushedEventKeys == .days(7))
        #expect(retention.purgeInterval == .hours(1))
        #expect(retention.calls == .days(90))
        #expect(retention.incidents == .days(730))
    }

    @Test("an erasure's reason never keeps the number, however it was typed")
    func erasureReasonWithoutNumber() throws {
        let directory = try TestSupport.temporaryDirectory("erasure")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try CallwardenConfiguration.parse(
            yaml: "store:\n  path: \(directory)/cw.sqlite\nnumbering:\n  country: GB\n", baseDirectory: "/")
        let requests = try configuration.personalDataRequests()
        let store = try #require(requests.store as? SQLiteStore)
        _ = try store.addRule(
            Rule(match: .number(try #require(E164Number(e164: "+447700900123"))), action: .block, reason: "calls",
                 createdBy: "cli:alice", createdAt: Timestamp(secondsSinceEpoch: 1_700_000_000), expiresAt: nil, origin: .manual),
            actor: "cli:alice")
        let removed = try requests.erase(
            "07700 900123", reason: "SAR-7 for 07700900123 (+44 7700 900123, 447700900123)", actor: "dpo",
            at: Timestamp(secondsSinceEpoch: 1_700_000_100))
        #expect(removed["rules"] == 1)
        let entry = try #require(try store.auditLog(limit: 10).first { $0.action == "privacy.erase" })
        #expect(!entry.detail.contains("7700") && entry.detail.contains("SAR-7 for hmac:"))
        #expect(entry.subject == "number " + requests.key.pseudonym("+447700900123"))
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("store.retention.calls shorter than the longest detection window is refused")
    func callsRetentionCoversTheWindows() {
        let yaml = """
            store:
              retention:
                calls: 2d
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/")
        } throws: { error in
            (error as? ConfigurationErrors)?.errors.map(\.key) == ["store.retention.calls"]
        }
    }

    @Test func theSectionIsRead() throws {
        let yaml = """
            store:
              path: cw.sqlite
              retention:
                delivered_alerts: 2w
                pushed_event_keys: 3d
                purge_interval: 15m
            """
        let retention = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/").retention
        #expect(retention.deliveredAlerts == .days(14))
        #expect(retention.pushedEventKeys == .days(3))
        #expect(retention.purgeInterval == .minutes(15))
    }

    @Test func everyProblemNamesItsKey() {
        let yaml = """
            store:
              retention:
                delivered_alerts: 12h
                pushed_event_keys: soon
                purge_interval: 2d
                evidence: 1y
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/")
        } throws: { error in
            let keys = Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? [])
            return keys == [
                "store.retention.delivered_alerts", "store.retention.pushed_event_keys", "store.retention.purge_interval",
                "store.retention.evidence",
            ]
        }
    }

    @Test("at start-up housekeeping purges, chunk by chunk, what is past retention on a real store file, and keeps the rest")
    func housekeepingPurgesAtStartUp() async throws {
        let directory = try TestSupport.temporaryDirectory("housekeeping")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite")
        defer { try? store.close() }
        let caller = try #require(E164Number(e164: "+447700900123"))
        var batch = IngestBatch()
        batch.events = (0..<5).map { index in
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(index)), callID: "push-\(index)", source: .jsonLines,
                phase: .started, caller: CallerIdentity(raw: "07700900123", number: caller), callee: CalledParty(raw: "1001", key: "1001"))
        }
        batch.detections = ["1001", "1002"].map { target in
            Detection(
                kind: .repeatCaller, caller: caller, callers: [caller], target: target, calls: 5,
                first: Timestamp(secondsSinceEpoch: 1_700_000_000), last: Timestamp(secondsSinceEpoch: 1_700_000_600),
                action: .alert, offence: 1, callIDs: ["push-0"])
        }
        try store.commitPushed(batch)
        let closed = try #require(try store.incidents(status: nil, limit: 10).first { $0.target == "1001" })
        let open = try #require(try store.incidents(status: nil, limit: 10).first { $0.target == "1002" })
        _ = try store.changeStatus(incidentID: closed.id, to: .closed, actor: "alice", note: "done", at: Timestamp(secondsSinceEpoch: 1_700_001_000))
        for incident in [closed, open] {
            for alert in try store.alerts(incidentID: incident.id) {
                try store.markDelivered(alertID: alert.id, sink: "journal", at: WallClock.system.now())
            }
        }

        // The daemon's clock says 40 days have passed.
        let later = WallClock.system.now() + .days(40)
        var retention = StoreRetentionSettings()
        retention.purgeInterval = .hours(1)
        let housekeeping = StoreHousekeeping(
            store: store, retention: retention, alertSinks: { ["journal"] }, logger: Logger(label: "test.housekeeping"),
            now: { later }, chunk: 2)
        let running = Task { try await housekeeping.run() }
        let deadline = Date().addingTimeInterval(120)
        while try store.pushedEventKeyCount() > 0 || store.timeline(incidentID: closed.id) != nil || store.statistics().events > 1,
            Date() < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        running.cancel()
        _ = await running.result

        #expect(try store.pushedEventKeyCount() == 0)
        #expect(try store.alerts(incidentID: closed.id).isEmpty)
        #expect(try store.alerts(incidentID: open.id).count == 1)
        // Ordinary calls past 90 days go; the call the open incident rests on stays (legal hold).
        #expect(try store.statistics().events == 1)
        // The incident closed more than two years before is purged whole, the open one kept.
        #expect(try store.statistics().detections == 1)
        #expect(try store.timeline(incidentID: closed.id) == nil)
        #expect(try store.timeline(incidentID: open.id)?.calls.map(\.callID) == ["push-0"])
        #expect(try store.verifyEvidenceChain().findings == [])
    }
}
