import ArgumentParser
import CallwardenApp
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: follow the configured CDR files, store calls, detect harassment.",
        discussion: "Stops cleanly on SIGTERM or SIGINT; SIGHUP re-reads the configuration. Under systemd, use Type=notify.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        LogSetup.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "callwarden")
        try await Daemon(configuration: configuration, logger: logger, configurationPath: options.config).run()
    }
}
