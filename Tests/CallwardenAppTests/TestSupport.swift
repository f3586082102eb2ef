import CallPipeline
import CallwardenApp
import Logging
import NIOCore
import CallwardenPorts
import Foundation
import SQLiteStore

/// Paths and helpers shared by the end-to-end tests.
enum TestSupport {
    /// The package root (this file is Tests/CallwardenAppTests/TestSupport.swift).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `callwarden` executable built next to the test bundle.
    static var executable: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("callwarden").path,
            packageRoot + "/.build/debug/callwarden",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "callwarden-\(name)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` into `directory/name`, readable by this user only (a secret file the
    /// configuration accepts); returns the path.
    @discardableResult
    static func writeSecret(_ text: String, named name: String, in directory: String, mode: Int = 0o600) throws -> String {
        let path = directory + "/" + name
        try (text + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// An Asterisk Master.csv line (17 columns, loguniqueid=yes) for a synthetic call.
    static func asteriskLine(index: Int, caller: String, callee: String = "1001", start: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let begin = formatter.string(from: start)
        let answer = formatter.string(from: start.addingTimeInterval(5))
        let end = formatter.string(from: start.addingTimeInterval(65))
        return "\"\",\"\(caller)\",\"\(callee)\",\"from-trunk\",\"\"\"Caller\"\" <\(caller)>\",\"PJSIP/trunk-\(index)\","
            + "\"PJSIP/\(callee)-\(index)\",\"Dial\",\"PJSIP/\(callee),30\",\"\(begin)\",\"\(answer)\",\"\(end)\",65,60,"
            + "\"ANSWERED\",\"DOCUMENTATION\",\"1768200000.\(index)\""
    }

    /// A configuration for a daemon in `directory`, following `cdrPath`.
    static func writeConfiguration(in directory: String, cdrPath: String) throws -> String {
        try writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(cdrPath)
                      format: asterisk-csv
                      start: beginning
                  poll_interval: 1s
                decision:
                  http: 127.0.0.1:0
                  request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
                logging:
                  level: warning
                """)
    }

    /// Writes `directory/callwarden.yaml` and returns its path: the store in `directory` (ordinary
    /// calls kept a century), GB numbering in UTC, then `sections` (top-level YAML keys, unindented).
    static func writeConfiguration(in directory: String, sections: String) throws -> String {
        let path = directory + "/callwarden.yaml"
        let text = """
            store:
              path: \(directory)/callwarden.sqlite
              # The tests' calls are synthetic and years old: housekeeping must not purge them.
              retention:
                calls: 36500d
            numbering:
              country: GB
              time_zone: UTC

            """ + sections
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `callwarden` with `arguments` as a child process, its output discarded unless
    /// `logPath` names a file to append it to. The caller waits for it or signals it.
    static func launch(_ arguments: [String], logPath: String? = nil, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let logPath {
            if !FileManager.default.fileExists(atPath: logPath) {
                FileManager.default.createFile(atPath: logPath, contents: nil)
            }
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            try log.seekToEnd()
            process.standardOutput = log
            process.standardError = log
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Starts the daemon, `callwarden serve --config config`, as a child process; what it prints
    /// goes to ``daemonLog(config:)`` so that a test can show why a daemon stopped.
    /// `notify`: the systemd notification socket the daemon reports `READY=1` and its listeners to.
    static func startDaemon(config: String, notify: NotifySocket? = nil) throws -> Process {
        try launch(["serve", "--config", config], logPath: daemonLogPath(config: config), environment: notify?.environment ?? [:])
    }

    /// The file beside `config` that ``startDaemon(config:)`` appends the daemon's output to.
    static func daemonLogPath(config: String) -> String {
        URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("daemon.log").path
    }

    /// What the daemons started with `config` printed (the last 4,000 characters).
    static func daemonLog(config: String) -> String {
        let text = (try? String(contentsOfFile: daemonLogPath(config: config), encoding: .utf8)) ?? ""
        return String(text.suffix(4_000))
    }

    /// Events in a running daemon's store, read the way an operator's tool beside it would:
    /// read-only, so a test never migrates (or locks) the file the daemon is creating; 0 until the
    /// daemon has created it.
    static func storedEvents(_ storePath: String) -> Int {
        guard let store = try? SQLiteStore(path: storePath, readOnly: true) else { return 0 }
        defer { try? store.close() }
        return (try? store.statistics().events) ?? 0
    }

    /// Runs one `callwarden` command to its end; its exit status, what it printed on standard
    /// output (`text`) and on standard error (`errors`).
    static func output(_ arguments: [String]) async throws -> (status: Int32, text: String, errors: String) {
        let path = NSTemporaryDirectory() + "callwarden-output-" + UUID().uuidString
        FileManager.default.createFile(atPath: path, contents: nil)
        FileManager.default.createFile(atPath: path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".err")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: path + ".err"))
        try process.run()
        await exit(of: process)
        return (
            process.terminationStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: path + ".err", encoding: .utf8)) ?? ""
        )
    }

    /// Runs one `callwarden` command (e.g. `blocks add ...`) to its end; its exit status.
    static func run(_ arguments: [String]) async throws -> Int32 {
        let process = try launch(arguments)
        await exit(of: process)
        return process.terminationStatus
    }

    /// Waits for `process` to end. Suspends instead of blocking: Swift Testing runs tests on the
    /// cooperative pool (2 threads on a 2-core machine), and a test that blocks a pool thread for
    /// a minute (Foundation's `waitUntilExit`, `usleep` polling) stalls every other test's tasks
    /// (an alert dispatcher under test then makes no attempt at all).
    static func exit(of process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Polls `condition` every 50 ms for up to `seconds`; true when it became true. A bound on how
    /// long to wait for a child process, not a timing assertion. Suspends between polls (see
    /// ``exit(of:)``).
    static func wait(upTo seconds: Double, for condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }
}

/// The daemon in this process, built by the same builder `serve` uses.
extension TestSupport {
    /// Silent unless `CALLWARDEN_TEST_LOG` is set (then debug to stderr).
    static let daemonLogger: Logger = {
        guard ProcessInfo.processInfo.environment["CALLWARDEN_TEST_LOG"] != nil else {
            return Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: "test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        return logger
    }()

    /// Builds the daemon from the configuration file `config` (listeners on port 0 bind free
    /// ports), runs it while `body` runs with the bound addresses, then shuts it down gracefully
    /// and waits for every service to stop and the store to close. No signals, no child process.
    static func withDaemon<Result: Sendable>(
        config: String, options: DaemonBuildOptions = DaemonBuildOptions(),
        _ body: (BuiltDaemon, [String: SocketAddress]) async throws -> Result
    ) async throws -> Result {
        let configuration = try CallwardenConfiguration.load(path: config)
        let daemon = try await buildDaemon(configuration: configuration, logger: daemonLogger, options: options)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.run() }
            let outcome: Swift.Result<Result, any Error>
            do {
                let addresses = try await daemon.ready()
                outcome = .success(try await body(daemon, addresses))
            } catch {
                outcome = .failure(error)
            }
            await daemon.shutdown()
            try await tasks.waitForAll()
            return try outcome.get()
        }
    }

    /// The port `addresses` holds for `key` (`decision.http`, `metrics.http`, ...); 0 when absent.
    static func port(_ addresses: [String: SocketAddress], _ key: String) -> Int {
        addresses[key]?.port ?? 0
    }
}
