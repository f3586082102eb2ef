import CallModel
import CallwardenApp
import CallwardenPorts
import Evidence
import Foundation
import Incidents
import SQLiteStore
import Testing

/// The daemon has one processing clock: the one ``DaemonBuildOptions`` carries. With a fixed clock
/// far from now, everything the daemon stamps with processing time carries that time, so no part
/// reads the system clock behind the builder's back.
@Suite(.serialized)
struct InjectedClockTests {
    /// 2031-05-17 09:00:00 UTC: far from any real "now" of a test run.
    static let fixed = Timestamp(secondsSinceEpoch: 1_937_120_400)

    @Test("the builder's clock stamps the store's alert outbox and the incident's MCID log")
    func builderClockReachesTheStore() async throws {
        let directory = try TestSupport.temporaryDirectory("injected-clock")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try TestSupport.writeConfiguration(in: directory, sections: "decision:\n  http: off\n")
        let options = DaemonBuildOptions(clock: .fixed(Self.fixed))
        try await TestSupport.withDaemon(config: config, options: options) { daemon, _ in
            var batch = IngestBatch()
            batch.events = [
                CallEvent(
                    time: Self.fixed - .minutes(2), callID: "clock-1", source: .jsonLines, phase: .ended, disposition: .answered,
                    callStart: Self.fixed - .minutes(3), duration: .seconds(60), talkTime: .seconds(50),
                    caller: CallerIdentity(raw: "+447700900123", number: E164Number(e164: "+447700900123")),
                    callee: CalledParty(raw: "1001", key: "1001"))
            ]
            try daemon.store.commit(batch)
            // The request's own time is another one: what the store stamps by itself must be the clock's.
            let outcome = try daemon.store.flagMaliciousCall(
                MCIDRequest(call: .callID("clock-1"), kind: .threat, actor: "test", time: Self.fixed - .minutes(1)),
                crisisLine: nil)
            let alerts = try daemon.store.alerts(incidentID: outcome.incident.id)
            #expect(!alerts.isEmpty)
            #expect(alerts.allSatisfy { $0.createdAt == Self.fixed })
        }
    }

    @Test("an evidence bundle's generation time comes from the exporter's clock")
    func exporterClock() throws {
        let directory = try TestSupport.temporaryDirectory("injected-clock-export")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite", clock: .fixed(Self.fixed))
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: Self.fixed - .hours(5), callID: "clock-2", source: .jsonLines, phase: .ended, disposition: .answered,
                callStart: Self.fixed - .hours(5), duration: .seconds(60), talkTime: .seconds(50),
                caller: CallerIdentity(raw: "+447700900124", number: E164Number(e164: "+447700900124")),
                callee: CalledParty(raw: "1002", key: "1002"))
        ]
        try store.commit(batch)
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("clock-2"), kind: .threat, actor: "test", time: Self.fixed - .hours(4)), crisisLine: nil)
        let timeline = try #require(try store.timeline(incidentID: outcome.incident.id))
        let bundle = try EvidenceExporter(clock: .fixed(Self.fixed)).export(timeline, to: directory + "/bundle")
        let json = try String(contentsOfFile: bundle.directory + "/report.json", encoding: .utf8)
        // Only the generation time is the clock's: the call and the flag are hours earlier.
        #expect(json.contains(Self.fixed.rfc3339))
    }
}
