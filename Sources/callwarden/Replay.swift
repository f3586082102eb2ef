import ArgumentParser
import CDRParsing
import CallModel
import CallwardenApp
import Foundation
import Logging

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run CDR files and SIP captures through the daemon's pipeline and print what it finds.",
        discussion: """
            Files are read in the order given, as one history. Detection runs on the calls' own times, \
            so the same files always give the same result. Without --config, /etc/callwarden/callwarden.yaml \
            is used when it exists, else the built-in defaults. A pcap or pcapng file (told by its magic \
            number; HEP inside it is decoded too) is read as SIP: its calls are followed from their INVITE, \
            and calls still open at the end of the capture are closed at its last packet's time. \
            Without --store nothing is written: the events, calls and detections are counted as the \
            store would count them. With --store PATH they are written into a new SQLite store at PATH \
            (which must not exist) and kept, with its PATH-wal file, to inspect with sqlite3 or with the other \
            commands (a configuration whose store is PATH).
            """)

    @Option(name: .long, help: "Configuration file (YAML).")
    var config: String?

    @Option(name: .long, help: "auto, asterisk-csv, freeswitch-csv or jsonl (CDR files; captures are always detected).")
    var format: String = "auto"

    @Option(name: .long, help: "Write into a new SQLite store at this path (must not exist) and keep it.")
    var store: String?

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    @Argument(help: "CDR files or pcap/pcapng captures, in time order.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file") }
        if format != "auto" && CDRFormat(rawValue: format) == nil {
            throw ValidationError("--format must be auto, " + CDRFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() async throws {
        let configuration: CallwardenConfiguration
        if let config {
            configuration = try ConfigOption.load(path: config)
        } else if FileManager.default.fileExists(atPath: ConfigOption.defaultConfigPath) {
            configuration = try ConfigOption.load(path: ConfigOption.defaultConfigPath)
        } else {
            configuration = .defaults
        }
        LogSetup.bootstrap(level: "warning")
        let runner = ReplayRunner(
            configuration: configuration, format: CDRFormat(rawValue: format), logger: Logger(label: "callwarden.replay"))
        let report: ReplayReport
        do {
            report = try store.map { try runner.run(paths: files, storeAt: $0) } ?? runner.run(paths: files)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        printLines(json ? InertText.json(report.json()) : report.table())
    }
}
