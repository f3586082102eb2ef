import ArgumentParser
import CallModel
import CallPipeline
import CallwardenPorts
import CallwardenApp

struct Detections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show detections from the store.", subcommands: [List.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The most recent detection episodes.")
        @OptionGroup var options: ConfigOption
        @Option(name: .long, help: "How many.") var limit = 50
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            let configuration = try options.load()
            let detections = try configuration.openStore().detections(limit: limit)
            let plan = configuration.plan
            if json { return try JSONOutput.print(detections.map(JSONOutput.DetectionJSON.init)) }
            guard !detections.isEmpty else {
                print("no detections")
                return
            }
            var rows = [["KIND", "CALLER", "TARGET", "CALLS", "FIRST", "LAST", "ACTION"]]
            for detection in detections {
                rows.append([
                    detection.kind.rawValue,
                    detection.caller.map(plan.nationalFormat)
                        ?? (detection.callers.isEmpty ? "unidentified" : detection.callers.map(plan.nationalFormat).joined(separator: ",")),
                    detection.target, String(detection.calls), detection.first.rfc3339, detection.last.rfc3339,
                    detection.action.rawValue,
                ])
            }
            printLines(TextTable.render(rows))
        }
    }
}
