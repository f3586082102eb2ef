import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

extension TestSupport {
    /// A token file (0600) beside `config` holding a new access token of `role`, made with
    /// `callwarden tokens create`; made once per directory and role.
    static func tokenFile(role: String, config: String) async throws -> String {
        let directory = (config as NSString).deletingLastPathComponent
        let path = directory + "/\(role).token"
        if FileManager.default.fileExists(atPath: path) { return path }
        let made = try await output(["tokens", "create", "test-\(role)", "--role", role, "--by", "test", "--config", config])
        let token = try #require(made.text.split(separator: "\n").last.map(String.init), "\(made.errors)")
        return try writeSecret(token, named: "\(role).token", in: directory)
    }
}

/// The CLI shows personal data as the reader's token's role may see it (README "Who sees what on
/// the command line"): without a token numbers are masked and names hidden; security sees all of
/// it, and such reads are in the audit log under the token's name.
@Suite("The CLI masks personal data for readers who are not security")
struct CLIReaderTests {
    static let withheldCaller = "+447700900321"

    /// A store with a stalking incident by a caller who withheld her number (asserted identity
    /// known, display name given), a detection and a block of a number.
    static func store(in directory: String) throws -> (config: String, incidentID: Int64) {
        let config = try TestSupport.writeConfiguration(in: directory, sections: "decision:\n  http: off\n")
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite")
        defer { try? store.close() }
        let start = Timestamp(secondsSinceEpoch: 1_700_000_000)
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: start + .seconds(30), callID: "withheld-call", source: .asteriskCSV, phase: .ended, disposition: .answered,
                callStart: start, duration: .seconds(30), talkTime: .seconds(20),
                caller: CallerIdentity(
                    raw: "sip:anonymous@anonymous.invalid", displayName: "Jane Roe", assertedIdentity: E164Number(e164: withheldCaller),
                    presentationRestricted: true),
                callee: CalledParty(raw: "1001", key: "1001"))
        ]
        batch.detections = [
            Detection(
                kind: .stalking, caller: E164Number(e164: withheldCaller), callers: [E164Number(e164: withheldCaller)!], target: "1001",
                calls: 5, first: start, last: start, action: .alert, callIDs: ["withheld-call"])
        ]
        try store.commit(batch)
        _ = try store.linkRecording(NewRecording(
            callID: "withheld-call", location: "/var/spool/asterisk/monitor/1001-447700900321.wav", origin: .file, size: 1,
            sha256: nil, recordedAt: nil, linkedAt: start + .seconds(60), actor: "watcher"))
        _ = try store.addRule(
            Rule(match: .number(E164Number(e164: "+447700900123")!), action: .block, reason: "threats", createdBy: "cli:test", createdAt: start),
            actor: "cli:test")
        return (config, try #require(try store.incidents(limit: 1).first?.id))
    }

    static func cli(_ arguments: [String], config: String, token: String? = nil) async throws -> String {
        let result = try await TestSupport.output(arguments + ["--config", config] + (token.map { ["--token-file", $0] } ?? []))
        #expect(result.status == 0, "\(arguments): \(result.errors)")
        return result.text
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    static func audit(_ directory: String) throws -> [AuditEntry] {
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite")
        defer { try? store.close() }
        return try store.auditLog(since: nil, limit: 1_000)
    }

    @Test("without a token: numbers masked, a withheld caller shown as withheld, names and raw caller text hidden, in tables and JSON; nothing audited")
    func noToken() async throws {
        let directory = try TestSupport.temporaryDirectory("cli-reader-none")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (config, id) = try Self.store(in: directory)

        let list = try #require(try Self.json(try await Self.cli(["incidents", "list", "--json"], config: config)) as? [[String: Any]])
        #expect(list.first?["identity"] as? String == "withheld")
        let table = try await Self.cli(["incidents", "list"], config: config)
        #expect(table.contains("withheld") && !table.contains("900321") && !table.contains("7700 900"))

        let shown = try await Self.cli(["incidents", "show", "\(id)", "--json"], config: config)
        #expect(!shown.contains("900321") && !shown.contains("Jane") && !shown.contains("anonymous.invalid"))
        let timeline = try #require(try Self.json(shown) as? [String: Any])
        let call = try #require((timeline["calls"] as? [[String: Any]])?.first)
        #expect(call["asserted_identity"] as? String == "+447*******21")
        #expect(call["caller_raw"] as? String == "‹hidden›")
        let text = try await Self.cli(["incidents", "show", "\(id)"], config: config)
        #expect(!text.contains("900321") && !text.contains("Jane") && text.contains("‹hidden›"))

        let detections = try await Self.cli(["detections", "list", "--json"], config: config)
        #expect(!detections.contains("900321") && detections.contains("+447*******21"))
        let rules = try await Self.cli(["blocks", "list", "--json"], config: config)
        #expect(!rules.contains("900123") && rules.contains("+447*******23"))
        #expect(!(try await Self.cli(["blocks", "list"], config: config)).contains("900123"))
        #expect(try Self.audit(directory).allSatisfy { $0.action != "cli.read" && $0.action != "incident.view" })
    }

    @Test("ops see numbers in rules and detections but not the withheld identity; security sees everything, audited under the token's name")
    func opsAndSecurity() async throws {
        let directory = try TestSupport.temporaryDirectory("cli-reader-roles")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (config, id) = try Self.store(in: directory)
        let ops = try await TestSupport.tokenFile(role: "ops", config: config)
        let security = try await TestSupport.tokenFile(role: "security", config: config)

        #expect((try await Self.cli(["blocks", "list", "--json"], config: config, token: ops)).contains("+447700900123"))
        #expect((try await Self.cli(["detections", "list", "--json"], config: config, token: ops)).contains(Self.withheldCaller))
        let opsList = try #require(
            try Self.json(try await Self.cli(["incidents", "list", "--json"], config: config, token: ops)) as? [[String: Any]])
        #expect(opsList.first?["identity"] as? String == "withheld")
        let opsShown = try await Self.cli(["incidents", "show", "\(id)"], config: config, token: ops)
        #expect(!opsShown.contains("900321") && !opsShown.contains("Jane"))

        let list = try #require(
            try Self.json(try await Self.cli(["incidents", "list", "--json"], config: config, token: security)) as? [[String: Any]])
        #expect(list.first?["identity"] as? String == Self.withheldCaller)
        let shown = try await Self.cli(["incidents", "show", "\(id)"], config: config, token: security)
        #expect(shown.contains(Self.withheldCaller) && shown.contains("Jane Roe") && shown.contains("sip:anonymous@anonymous.invalid"))
        #expect(shown.contains("1001-447700900321.wav"))

        let audit = try Self.audit(directory)
        #expect(audit.contains { $0.action == "incident.view" && $0.subject == "incident \(id)" && $0.actor == "token:test-security" })
        #expect(audit.contains { $0.action == "cli.read" && $0.subject == "incidents" && $0.actor == "token:test-security" })
        #expect(audit.contains { $0.action == "cli.read" && $0.subject == "rules" && $0.actor == "token:test-ops" })
        #expect(!audit.contains { $0.action == "incident.view" && $0.actor == "token:test-ops" }, "ops saw the timeline masked")
    }

    @Test("a token file others may read, a malformed token and a revoked token are refused")
    func badTokens() async throws {
        let directory = try TestSupport.temporaryDirectory("cli-reader-bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (config, _) = try Self.store(in: directory)
        let security = try await TestSupport.tokenFile(role: "security", config: config)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: security)
        let open = try await TestSupport.output(["incidents", "list", "--config", config, "--token-file", security])
        #expect(open.status != 0 && open.errors.contains("chmod 600") && !open.errors.contains("cw_"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: security)

        let forged = try TestSupport.writeSecret("cw_0123456789abcdef_" + String(repeating: "0", count: 64), named: "forged.token", in: directory)
        #expect(try await TestSupport.output(["incidents", "list", "--config", config, "--token-file", forged]).status != 0)

        #expect(try await TestSupport.output(["tokens", "revoke", "test-security", "--by", "test", "--config", config]).status == 0)
        let revoked = try await TestSupport.output(["incidents", "list", "--config", config, "--token-file", security])
        #expect(revoked.status != 0 && revoked.errors.contains("revoked"))
    }
}
