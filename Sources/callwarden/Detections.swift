import ArgumentParser
import CallModel
import CallPipeline
import CallwardenPorts
import CallwardenApp

struct Detections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detections",
        abstract: "Show detections from the store.", subcommands: [List.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The most recent detection episodes.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var reader: ReaderOption
        @Option(name: .long, help: "How many.") var limit = 50
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            let configuration = try options.load()
            let reader = try reader.reader(configuration.openTokenStore())
            let detections = try configuration.openStore().detections(limit: limit)
            let plan = configuration.plan
            try reader.audit("cli.read", subject: "detections", shownWhole: reader.seesNumbers && !detections.isEmpty)
            if json { return try JSONOutput.print(detections.map { JSONOutput.DetectionJSON($0, shown: reader.number) }) }
            guard !detections.isEmpty else {
                print("no detections")
                return
            }
            var rows = [["KIND", "CALLER", "TARGET", "CALLS", "FIRST", "LAST", "ACTION"]]
            for detection in detections {
                rows.append([
                    detection.kind.rawValue,
                    detection.caller.map { reader.shown($0, plan: plan) }
                        ?? (detection.callers.isEmpty
                            ? "unidentified" : detection.callers.map { reader.shown($0, plan: plan) }.joined(separator: ",")),
                    detection.target, String(detection.calls), detection.first.rfc3339, detection.last.rfc3339,
                    detection.action.rawValue,
                ])
            }
            printLines(TextTable.render(rows))
        }
    }
}
