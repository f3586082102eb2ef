import ArgumentParser
import CallwardenApp
import Logging

/// The `callwarden` executable: the daemon (`serve`), offline replay, rule management and config checks.
@main
struct Callwarden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callwarden",
        abstract: "Protects staff from threatening and harassing callers.",
        subcommands: [
            Serve.self, Replay.self, Blocks.self, Redirects.self, Detections.self, IncidentsCommand.self,
            MCIDCommand.self, EvidenceCommand.self, CheckConfig.self,
        ]
    )
}

/// Options shared by the commands that read the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML).")
    var config: String = defaultConfigPath

    static let defaultConfigPath = "/etc/callwarden/callwarden.yaml"

    func load() throws -> CallwardenConfiguration { try Self.load(path: config) }

    /// Loads a configuration file, turning its problems into one readable command-line error.
    static func load(path: String) throws -> CallwardenConfiguration {
        do {
            return try CallwardenConfiguration.load(path: path)
        } catch let errors as ConfigurationErrors {
            throw ValidationError("invalid configuration \(path):\n" + errors.description)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

/// Sets up logging once per process, to standard error.
enum LogSetup {
    static func bootstrap(level: String) {
        let parsed = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
    }
}
