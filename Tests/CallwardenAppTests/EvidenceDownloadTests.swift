import CallModel
import CallwardenApp
import CallwardenPorts
import Evidence
import Foundation
import Incidents
import PeopleAPI
import SQLiteStore
import Testing

@Suite("The console's evidence download: the CLI's bundle as one tar, audited")
struct EvidenceDownloadTests {
    @Test("the tar unpacks with tar(1) into a bundle that verifies; the download is audited; nothing is left in the state directory")
    func downloadVerifies() throws {
        let directory = try TestSupport.temporaryDirectory("evidence-download")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try CallwardenConfiguration.parse(yaml: "store:\n  path: cw.sqlite\n", baseDirectory: directory)
        let store = try SQLiteStore(path: configuration.storePath)
        defer { try? store.close() }
        let now = Timestamp(secondsSinceEpoch: 1_700_000_900)
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_860), callID: "call-x", source: .asteriskCSV, phase: .ended,
                disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_000_800),
                caller: CallerIdentity(raw: "07700900777", number: E164Number(e164: "+447700900777")!, displayName: "<b>Boss</b>"),
                callee: CalledParty(raw: "1001", key: "1001"))
        ]
        try store.commit(batch)
        let flagged = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("call-x"), kind: .threat, actor: "token:security", note: "threat", time: now), crisisLine: nil)
        let id = flagged.incident.id

        let download = configuration.evidenceDownload(store: store, clock: .fixed(now))
        #expect(try download(9_999, "token:security") == nil)
        let file = try #require(try download(id, "token:security"))
        #expect(file.fileName == "incident-\(id)-evidence.tar")
        let tarPath = directory + "/bundle.tar"
        try Data(file.bytes).write(to: URL(fileURLWithPath: tarPath))
        let unpacked = directory + "/unpacked"
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-xf", tarPath, "-C", unpacked]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let bundle = unpacked + "/incident-\(id)-evidence"
        let verified = BundleVerifier.verify(bundle, expectedPublicKeyPEM: try configuration.evidenceSigningKey().publicKeyPEM)
        #expect(verified.isSound, "\(verified.problems)")
        #expect(verified.intact.contains("report.html") && verified.intact.contains("CHAIN.txt"))
        let audit = try #require(try store.auditLog(since: nil, limit: 1).first)
        #expect(audit.action == "incident.export" && audit.actor == "token:security" && audit.subject == "incident \(id)")
        let left = try FileManager.default.contentsOfDirectory(atPath: configuration.stateDirectory + "/console-exports")
        #expect(left.isEmpty)
    }
}

@Suite("api.teams")
struct PeopleAPITeamsConfigurationTests {
    @Test("teams are read as extension → team; an extension in two teams and a team without a name are refused")
    func teams() throws {
        let yaml = """
            api:
              teams:
                - name: Reception
                  extensions: ["1001", "1002"]
                - name: Sales
                  extensions: ["2001"]
            """
        #expect(try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/").api.teams == ["1001": "Reception", "1002": "Reception", "2001": "Sales"])
        let twice = """
            api:
              teams:
                - name: Reception
                  extensions: ["1001"]
                - name: Sales
                  extensions: ["1001"]
                - extensions: ["3001"]
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: twice, baseDirectory: "/")
        } throws: { error in
            Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? []) == ["api.teams[1].extensions", "api.teams[2].name"]
        }
    }
}
