import ArgumentParser
import CallwardenApp
import Evidence
import Foundation
import Incidents

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Check recordings linked as evidence.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every linked recording; report missing or altered files (exit status 1 if any).")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let recordings = try options.load().openIncidentStore().recordings(limit: Int.max)
            let findings = EvidenceVerifier.verify(recordings)
            var problems = 0
            for finding in findings {
                let recording = finding.recording
                switch finding.status {
                case .intact:
                    print("ok        \(recording.location)")
                case .notCheckable:
                    print("external  \(recording.location)")
                case .missing, .altered, .unreadable:
                    problems += 1
                    let now = finding.currentSHA256.map { " now \($0)" } ?? ""
                    print("\(finding.status.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0)) \(recording.location) (call \(recording.callID), sha256 at linking \(recording.sha256 ?? "-")\(now))")
                }
            }
            print("\(findings.count) recordings, \(problems) missing or altered")
            if problems > 0 { throw ExitCode(1) }
        }
    }
}
