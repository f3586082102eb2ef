import ArgumentParser
import CallModel
import CallwardenApp
import Foundation
import Logging

/// The `callwarden` executable: the daemon (`serve`), offline replay, rule management and config checks.
@main
struct Callwarden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callwarden",
        abstract: "Protects staff from threatening and harassing callers.",
        version: BuildInfo.description,
        subcommands: [
            Serve.self, Replay.self, Blocks.self, Redirects.self, Detections.self, IncidentsCommand.self,
            MCIDCommand.self, EvidenceCommand.self, PrivacyCommand.self, TokensCommand.self, AuditCommand.self, CheckConfig.self,
        ]
    )
}

/// Options shared by the commands that read the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML); default $CALLWARDEN_CONFIG, else /etc/callwarden/callwarden.yaml.")
    var config: String = defaultConfigPath

    static let installedConfigPath = "/etc/callwarden/callwarden.yaml"
    /// `$CALLWARDEN_CONFIG` when set and not empty, else the installed path.
    static var defaultConfigPath: String {
        if let path = ProcessInfo.processInfo.environment["CALLWARDEN_CONFIG"], !path.isEmpty { return path }
        return installedConfigPath
    }

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

/// Sets up logging once per process, to standard error, every line made inert
/// (``InertLogHandler``: control characters from callers, PBXs and clients escaped).
enum LogSetup {
    static func bootstrap(level: String) {
        // The process's level, which a reload (`logging.level`) changes for every logger.
        ProcessLogLevel.shared.level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = InertLogHandler(wrapping: StreamLogHandler.standardError(label: label))
            handler.wrapped.logLevel = .trace  // the inner handler lets through what the level above passed
            return handler
        }
    }
}

/// Every line the CLI prints goes through here: text from callers, PBXs and clients (names,
/// notes, reasons, paths) has its control and format characters escaped (``InertText/line``), so
/// that it can neither add a line nor send a terminal escape sequence or bidi control.
func print(_ line: String) { Swift.print(InertText.line(line)) }

/// Text whose parts were escaped already (``TextTable`` cells) or that an encoder wrote (JSON).
func printLines(_ text: String) { Swift.print(text) }
