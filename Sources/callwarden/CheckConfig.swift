import ArgumentParser
import CDRIngest
import CallModel
import CDRParsing
import CallwardenApp
import Evidence
import Incidents

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; every problem is listed with its key and the reason.")

    @Argument(help: "Configuration file (YAML); default $CALLWARDEN_CONFIG, else /etc/callwarden/callwarden.yaml.")
    var file: String = ConfigOption.defaultConfigPath

    @Flag(name: .long, help: "Only read and validate the file: do not try paths and ports on this machine.")
    var noProbes = false

    func run() async throws {
        do {
            let configuration = try CallwardenConfiguration.load(path: file)
            let findings = noProbes ? [] : ConfigurationProbe.run(configuration)
            let problems = findings.filter { $0.severity == .error }
            print(problems.isEmpty ? "\(file): OK" : "\(file): \(problems.count) problem(s) on this machine")
            print("  store: \(configuration.storePath)")
            print("  numbering: +\(configuration.plan.countryCode), trunk \(configuration.plan.trunkPrefix), time zone \(configuration.timeZone.name)")
            for cdr in configuration.cdrFiles {
                print("  cdr: \(cdr.path) (\(cdr.format?.rawValue ?? "auto"), first start at its \(cdr.start == .end ? "end" : "beginning"))")
            }
            if let capture = configuration.capture {
                print("  capture: \(capture.interface), filter \(capture.filter ?? "default"), snaplen \(capture.snapLength) (needs CAP_NET_RAW)")
            }
            if let hep = configuration.hep {
                print("  hep: \(hep.address):\(hep.port) \(hep.transport.rawValue)\(hep.authKey == nil ? "" : ", auth key set")")
            }
            let incidents = configuration.incidents
            print("  alerts: from \(incidents.alertPolicy.minimumAction.rawValue), at most one update per incident per \(incidents.alertPolicy.minimumUpdateInterval)")
            if incidents.journal { print("  alert sink: journal") }
            for webhook in incidents.webhooks { print("  alert sink: \(webhook.name) \(webhook.url)") }
            for manager in incidents.alertmanagers { print("  alert sink: \(manager.name) \(manager.url)") }
            for directory in incidents.recordingDirectories {
                print("  recordings: \(directory.path) (\(directory.patterns.map(\.name).joined(separator: ", ")))")
            }
            if let listen = configuration.api.listen {
                print("  people's API and console: \(listen.host):\(listen.port) (every request needs a token: callwarden tokens create NAME --role ROLE)")
            }
            for finding in findings { print("  " + finding.description) }
            if !problems.isEmpty { throw ExitCode(1) }
        } catch let errors as ConfigurationErrors {
            print("\(file): \(errors.errors.count) problem(s)")
            for error in errors.errors { print("  " + error.description) }
            throw ExitCode(1)
        } catch let error as ConfigurationError {
            print("\(file): \(error.description)")
            throw ExitCode(1)
        }
    }
}
