import CallModel
import Evidence
import Foundation
import Incidents
import SQLiteStore
import Testing

/// The signed bundle, checked as a police officer would: with the real `sha256sum` and `openssl`.
@Suite("Signed evidence bundles: Ed25519 over the manifest, checkable with standard tools")
struct SignedBundleTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static let haveTools = tool("openssl") != nil && tool("sha256sum") != nil

    /// Runs `tool` in `directory`; its exit status and standard output.
    private func run(_ tool: String, _ arguments: [String], in directory: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.tool(tool)))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: bytes, as: UTF8.self))
    }

    /// A signed bundle of an incident with one recording, its root and the key.
    private func signedBundle() throws -> (root: URL, bundle: String, key: EvidenceSigningKey) {
        let root = try EvidenceFixture.temporaryDirectory()
        let store = try SQLiteStore(path: root.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        let id = try EvidenceFixture.incident(in: store)
        let recordingPath = root.appendingPathComponent("monitor/in-1001-anonymous-1700000600.12.wav").path
        try EvidenceFixture.writeFile(recordingPath, bytes: Array("RIFF evidence audio".utf8), modified: Date())
        let (size, sha256) = try FileHasher.hash(path: recordingPath)
        _ = try store.linkRecording(NewRecording(
            callID: "1700000600.12", location: recordingPath, origin: .file, size: size, sha256: sha256,
            recordedAt: EvidenceFixture.time(620), linkedAt: EvidenceFixture.time(800), actor: "recording-watcher"))
        let key = try EvidenceSigningKey.loadOrCreate(at: root.appendingPathComponent(EvidenceSigningKey.fileName).path)
        let timeline = try #require(try store.timeline(incidentID: id))
        let out = root.appendingPathComponent("bundle").path
        let bundle = try EvidenceExporter(signingKey: key).export(timeline, to: out, chain: try store.evidenceChainHead())
        #expect(bundle.files.keys.contains("CHAIN.txt"))
        return (root, out, key)
    }

    @Test("sha256sum -c and openssl pkeyutl -verify, as README.txt says, accept the bundle; verify-bundle agrees",
          .enabled(if: haveTools, "openssl or sha256sum is not installed"))
    func standardToolsAccept() throws {
        let (root, bundle, key) = try signedBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        let readme = try String(contentsOfFile: bundle + "/README.txt", encoding: .utf8)
        #expect(readme.contains("sha256sum -c MANIFEST.sha256"))
        #expect(readme.contains("openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin"))

        let (sumStatus, sumOutput) = try run("sha256sum", ["-c", "--strict", "MANIFEST.sha256"], in: bundle)
        #expect(sumStatus == 0, "\(sumOutput)")
        let (status, output) = try run(
            "openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "signing-key.pem", "-rawin", "-in", "MANIFEST.sha256",
                        "-sigfile", "MANIFEST.sha256.sig"], in: bundle)
        #expect(status == 0)
        #expect(output.contains("Signature Verified Successfully"))
        // The fingerprint the README tells the officer to compare.
        let (_, der) = try run("sh", ["-c", "openssl pkey -pubin -in signing-key.pem -outform DER | sha256sum"], in: bundle)
        #expect(der.hasPrefix(key.fingerprint))

        let result = BundleVerifier.verify(bundle, expectedPublicKeyPEM: key.publicKeyPEM)
        #expect(result.problems == [])
        #expect(result.signerFingerprint == key.fingerprint)
        #expect(result.intact.count == 5)  // reports, README, CHAIN.txt, the recording
    }

    @Test("a changed file, a forged signature and another key are each refused by openssl and verify-bundle",
          .enabled(if: haveTools, "openssl or sha256sum is not installed"))
    func tamperingRefused() throws {
        let (root, bundle, _) = try signedBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        let other = try EvidenceSigningKey.loadOrCreate(at: root.appendingPathComponent("other.pem").path)
        #expect(BundleVerifier.verify(bundle, expectedPublicKeyPEM: other.publicKeyPEM).problems.first?
            .hasPrefix("the bundle is signed with another key") == true)

        // A changed report with a manifest to match it: sha256sum is content, the signature is not.
        let report = bundle + "/report.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: report))
        #expect(BundleVerifier.verify(bundle).problems == ["report.json: SHA-256 differs from the manifest"])
        let (_, newSum) = try run("sha256sum", ["report.json"], in: bundle)
        var manifest = try String(contentsOfFile: bundle + "/MANIFEST.sha256", encoding: .utf8)
        let line = try #require(manifest.split(separator: "\n").first { $0.hasSuffix("  report.json") })
        manifest = manifest.replacingOccurrences(of: String(line), with: newSum.trimmingCharacters(in: .newlines))
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: bundle + "/MANIFEST.sha256"))
        #expect(try run("sha256sum", ["-c", "--strict", "MANIFEST.sha256"], in: bundle).0 == 0)
        let (status, _) = try run(
            "openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "signing-key.pem", "-rawin", "-in", "MANIFEST.sha256",
                        "-sigfile", "MANIFEST.sha256.sig"], in: bundle)
        #expect(status != 0)
        #expect(BundleVerifier.verify(bundle).problems == ["MANIFEST.sha256.sig: not a valid signature of MANIFEST.sha256"])

        try Data("extra".utf8).write(to: URL(fileURLWithPath: bundle + "/recordings/planted.wav"))
        #expect(BundleVerifier.verify(bundle).problems.contains("recordings/planted.wav: not in the manifest"))
    }

    @Test("the key is made once, 0600, read back the same; a key file others may read is refused")
    func keyFile() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent(EvidenceSigningKey.fileName).path
        let first = try EvidenceSigningKey.loadOrCreate(at: path)
        let again = try EvidenceSigningKey.loadOrCreate(at: path)
        #expect(first.publicKeyPEM == again.publicKeyPEM)
        #expect(first.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: EvidenceError.self) { try EvidenceSigningKey.loadOrCreate(at: path) }
    }
}
