import Foundation

/// Prometheus's own parser and linter, `promtool check metrics` (Debian package `prometheus`,
/// installed by scripts/install-evidence-test-packages): the oracle for the `/metrics` text.
enum Promtool {
    static let path = "/usr/bin/promtool"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }
    /// Installed, or on CI (where a missing promtool must fail rather than skip).
    static var shouldRun: Bool { isInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    /// Runs `promtool check metrics` over `text`: exit status 0 when it parses and lints clean (1: a
    /// parse error, 3: lint problems), and what it printed.
    static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        // Polled, bounded: Foundation's `waitUntilExit` can wait forever while the cooperative
        // pool this test runs on is busy (it held a pool thread until the suite hung).
        for _ in 0..<1_000 where process.isRunning { usleep(10_000) }
        return (process.terminationStatus, String(decoding: printed, as: UTF8.self))
    }
}
