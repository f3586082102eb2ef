import ArgumentParser
import CallModel
import CallwardenApp
import Foundation
import Incidents
import SystemClock

struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Answer a data subject's access or erasure request for one phone number (docs/privacy.md).",
        subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write every stored record about NUMBER as JSON (audited as privacy.export, the number as a keyed hash).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The number, as people write it.") var number: String
        @Option(name: .long, help: "Write to this new file (0600) instead of standard output.") var out: String?
        @Option(name: .long, help: "Who answers the request, for the audit log (default: the login name).") var by: String?

        func run() async throws {
            let requests = try options.load().personalDataRequests()
            // Control and format characters a caller put in a name stay escaped in the JSON, for
            // the terminal and for whoever opens the file (``InertText/json(_:)``).
            let json = Array(InertText.json(String(decoding: try requests.export(number, actor: Actor.resolve(by), at: WallClock.system.now()), as: UTF8.self)).utf8)
            if let out {
                let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { throw ValidationError("cannot create \(out): \(String(cString: strerror(errno)))") }
                defer { close(descriptor) }
                let handle = FileHandle(fileDescriptor: descriptor)
                try handle.write(contentsOf: json + [0x0A])
                print("records about the number written to \(out)")
            } else {
                FileHandle.standardOutput.write(Data(json + [0x0A]))
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Remove every record of NUMBER (calls, links, detections, rules, recording links, alerts, closed incidents about it); refused while an incident resting on them is not closed.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The number, as people write it.") var number: String
        @Option(name: .long, help: "Why (the request's reference), for the audit log.") var reason: String
        @Option(name: .long, help: "Who erases, for the audit log (default: the login name).") var by: String?

        func run() async throws {
            guard !reason.trimmingSpaces.isEmpty else { throw ValidationError("--reason must say why") }
            let requests = try options.load().personalDataRequests()
            do {
                let removed = try requests.erase(number, reason: reason, actor: Actor.resolve(by), at: WallClock.system.now())
                let total = removed.values.reduce(0, +)
                print("erased \(total) records: " + removed.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            } catch let error as PersonalDataError {
                print(error.description)
                throw ExitCode(1)
            }
        }
    }
}
