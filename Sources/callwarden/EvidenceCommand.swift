import ArgumentParser
import CallModel
import CallwardenApp
import Evidence
import Foundation
import Incidents

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Check the evidence chain, recordings and exported bundles; print the signing key.",
        subcommands: [Verify.self, Key.self, VerifyBundle.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the store's evidence chain and re-hash every linked recording (exit status 1 on any problem).")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let configuration = try options.load()
            let chain = try configuration.verifyEvidenceChain()
            for finding in chain.findings {
                print("BROKEN    \(InertText.line(finding.description))")
            }
            print("chain     \(chain.entries) entries, head \(chain.head ?? "-"), \(chain.findings.count) problems")
            let recordings = try configuration.openIncidentStore().recordings(limit: Int.max)
            let findings = EvidenceVerifier.verify(recordings)
            var problems = 0
            for finding in findings {
                let recording = finding.recording
                let location = InertText.line(recording.location)
                switch finding.status {
                case .intact:
                    print("ok        \(location)")
                case .notCheckable:
                    print("external  \(location)")
                case .missing, .altered, .unreadable:
                    problems += 1
                    let now = finding.currentSHA256.map { " now \($0)" } ?? ""
                    print("\(finding.status.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0)) \(location) (call \(InertText.line(recording.callID)), sha256 at linking \(recording.sha256 ?? "-")\(now))")
                }
            }
            print("\(findings.count) recordings, \(problems) missing or altered")
            if problems > 0 || !chain.isIntact { throw ExitCode(1) }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Print the public key that signs evidence bundles (PEM) and its fingerprint; makes the key if there is none.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let key = try options.load().evidenceSigningKey()
            print(key.publicKeyPEM, terminator: "")
            print("fingerprint (SHA-256 of the DER public key): \(key.fingerprint)")
        }
    }

    struct VerifyBundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-bundle",
            abstract: "Check an exported bundle without the store: every file's hash and the manifest's signature (exit status 1 on any problem).")
        @Argument(help: "The bundle's directory.") var directory: String
        @Option(name: .customLong("public-key"), help: "The organisation's public key (PEM) the bundle must be signed with.")
        var publicKey: String?

        func run() async throws {
            var expected: String?
            if let publicKey {
                guard let data = FileManager.default.contents(atPath: publicKey) else {
                    throw ValidationError("cannot read \(publicKey)")
                }
                expected = String(decoding: data, as: UTF8.self)
            }
            let result = BundleVerifier.verify(directory, expectedPublicKeyPEM: expected)
            for name in result.intact { print("ok        \(InertText.line(name))") }
            for problem in result.problems { print("BROKEN    \(InertText.line(problem))") }
            if let signer = result.signerFingerprint {
                print("signed by key \(signer)\(publicKey == nil ? " (compare it with the organisation's: callwarden evidence key)" : "")")
            }
            if !result.isSound { throw ExitCode(1) }
            print("bundle intact: \(result.intact.count) files, signature valid")
        }
    }
}
