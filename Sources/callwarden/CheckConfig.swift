import ArgumentParser
import CDRIngest
import CallModel
import CDRParsing
import CallwardenApp

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; every problem is listed with its key and the reason.")

    @Argument(help: "Configuration file (YAML).")
    var file: String

    func run() async throws {
        do {
            let configuration = try CallwardenConfiguration.load(path: file)
            print("\(file): OK")
            print("  store: \(configuration.storePath)")
            print("  numbering: +\(configuration.plan.countryCode), trunk \(configuration.plan.trunkPrefix), time zone \(configuration.timeZone.name)")
            for cdr in configuration.cdrFiles {
                print("  cdr: \(cdr.path) (\(cdr.format?.rawValue ?? "auto"))")
            }
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
