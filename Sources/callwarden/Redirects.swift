import ArgumentParser
import CallModel
import Ingest
import SystemClock
import CDRIngest
import CallPipeline
import CallwardenPorts
import CallwardenApp

struct Redirects: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redirects",
        abstract: "List, add and remove redirect rules (divert a caller to a crisis-service or security-desk line). Every change is audited with who and why.",
        subcommands: [List.self, Add.self, RemoveRule.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List redirect rules in force.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var reader: ReaderOption
        @Flag(name: .long, help: "Include expired rules and removed ones.") var all = false
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            let configuration = try options.load()
            try RuleListing.show(configuration: configuration, reader: reader, all: all, json: json) { $0.action.redirectTarget != nil }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Redirect a number, a number range or unidentified callers to another line.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var rule: RuleOptions
        @Option(name: .long, help: "Where to send the call (default: response.crisis_line from the configuration).")
        var to: String?

        func run() async throws {
            let configuration = try options.load()
            guard let target = to ?? configuration.crisisLine else {
                throw ValidationError("--to is required when the configuration has no response.crisis_line")
            }
            guard let number = configuration.plan.normalise(target).e164 else {
                throw ValidationError("--to \"\(target)\" is not a phone number")
            }
            let stored = try rule.add(action: .redirect(to: number.description), configuration: configuration)
            print("added rule \(RuleSelector.text(stored.id ?? 0)): \(RuleOptions.summary(of: stored))")
        }
    }
}
