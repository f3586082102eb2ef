import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

/// The ops commands through the real binary on a store on disk: `--json` on every list and show
/// command (numbers in E.164), and MCID by extension when several calls reached it (listed, nothing
/// flagged, unless `--latest`), then withdrawn.
@Suite(.serialized)
struct CommandJSONTests {
    static func cli(_ arguments: [String], config: String) async throws -> (status: Int32, text: String, errors: String) {
        // Reads as security, who sees numbers whole (CLIReaderTests: what others see).
        let reads = ["list", "show"].contains(arguments.dropFirst().first ?? "")
        let token = reads ? ["--token-file", try await TestSupport.tokenFile(role: "security", config: config)] : []
        return try await TestSupport.output(arguments + ["--config", config] + token)
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    static func call(_ id: String, from caller: String, secondsAgo: Double, disposition: Disposition) -> CallEvent {
        let start = Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 - secondsAgo) * 1_000_000))
        return CallEvent(
            time: start + .seconds(30), callID: id, source: .asteriskCSV, phase: disposition.terminalPhase, disposition: disposition,
            callStart: start, duration: .seconds(30), talkTime: disposition == .answered ? .seconds(20) : nil,
            caller: CallerIdentity(raw: caller, number: E164Number(e164: caller)), callee: CalledParty(raw: "1001", key: "1001"))
    }

    @Test("mcid by extension lists the calls that reached it and flags nothing; --latest flags the newest; withdraw; --json everywhere")
    func mcidAndJSON() async throws {
        let directory = try TestSupport.temporaryDirectory("command-json")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try TestSupport.writeConfiguration(in: directory, sections: "decision:\n  http: off\n")
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite")
        var batch = IngestBatch()
        batch.events = [
            Self.call("older-call", from: "+447700900123", secondsAgo: 240, disposition: .answered),
            Self.call("newer-call", from: "+447700900456", secondsAgo: 120, disposition: .noAnswer),
            Self.call("rejected-call", from: "+447700900789", secondsAgo: 60, disposition: .rejected),
        ]
        batch.detections = [
            Detection(
                kind: .repeatCaller, caller: E164Number(e164: "+447700900123"), callers: [E164Number(e164: "+447700900123")!],
                target: "1001", calls: 5, first: batch.events[0].countedTime, last: batch.events[0].countedTime, action: .alert,
                callIDs: ["older-call"])
        ]
        try store.commit(batch)
        _ = try store.addRule(
            Rule(
                match: .number(E164Number(e164: "+447700900999")!), action: .redirect(to: "+442079460999"), reason: "crisis",
                createdBy: "cli:test", createdAt: Timestamp(secondsSinceEpoch: 1_700_000_000)),
            actor: "cli:test")
        try store.close()

        let ambiguous = try await Self.cli(["mcid", "--extension", "1001", "--kind", "threat", "--by", "cli:test"], config: config)
        #expect(ambiguous.status != 0)
        #expect(ambiguous.text.contains("older-call") && ambiguous.text.contains("newer-call"))
        #expect(!ambiguous.text.contains("rejected-call"), "a rejected call never reached 1001")
        #expect(ambiguous.errors.contains("--latest"))

        let flagged = try await Self.cli(["mcid", "--extension", "1001", "--kind", "threat", "--latest", "--by", "cli:test"], config: config)
        #expect(flagged.status == 0, "\(flagged.errors)")
        #expect(flagged.text.contains("call newer-call flagged"))

        let incidents = try #require(try Self.json(try await Self.cli(["incidents", "list", "--json"], config: config).text) as? [[String: Any]])
        let threat = try #require(incidents.first { $0["kind"] as? String == "threat" })
        #expect(threat["identity"] as? String == "+447700900456")
        let incidentID = try #require(threat["id"] as? Int)
        var shown = try #require(
            try Self.json(try await Self.cli(["incidents", "show", "\(incidentID)", "--json"], config: config).text) as? [String: Any])
        let flag = try #require((shown["flags"] as? [[String: Any]])?.first)
        #expect(flag["call_id"] as? String == "newer-call")
        #expect((flag["call"] as? [String: Any])?["caller"] as? String == "+447700900456")
        let flagID = try #require(flag["id"] as? Int)

        let withdrawn = try await Self.cli(
            ["mcid", "withdraw", "\(flagID)", "--reason", "meant the older call", "--by", "cli:test"], config: config)
        #expect(withdrawn.status == 0, "\(withdrawn.errors)")
        shown = try #require(
            try Self.json(try await Self.cli(["incidents", "show", "\(incidentID)", "--json"], config: config).text) as? [String: Any])
        let withdrawal = try #require((shown["flags"] as? [[String: Any]])?.first?["withdrawn"] as? [String: Any])
        #expect(withdrawal["by"] as? String == "cli:test")
        #expect(withdrawal["note"] as? String == "meant the older call")

        let detections = try #require(
            try Self.json(try await Self.cli(["detections", "list", "--json"], config: config).text) as? [[String: Any]])
        #expect(detections.first?["caller"] as? String == "+447700900123")
        #expect(detections.first?["call_ids"] as? [String] == ["older-call"])

        let redirects = try #require(
            try Self.json(try await Self.cli(["redirects", "list", "--json"], config: config).text) as? [[String: Any]])
        #expect(redirects.count == 1)
        #expect(redirects.first?["match"] as? String == "+447700900999")
        #expect(redirects.first?["redirect_to"] as? String == "+442079460999")
        #expect(redirects.first?["status"] as? String == "active")
        let text = try await Self.cli(["redirects", "list"], config: config)
        #expect(text.text.contains("r1 "), "ids are shown as r1")
    }
}
