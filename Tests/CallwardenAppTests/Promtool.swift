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
        // pool this test runs on is busy (it held a pool thread until the suite hung). Reading
        // `terminationStatus` of a process Foundation has not yet seen exit traps, so a promtool
        // still running after the bound (a loaded machine) is an error of this check, not a crash
        // of the whole test run.
        for _ in 0..<12_000 where process.isRunning { usleep(10_000) }
        guard !process.isRunning else {
            process.terminate()
            throw PromtoolError.stillRunning(printed: String(decoding: printed, as: UTF8.self))
        }
        return (process.terminationStatus, String(decoding: printed, as: UTF8.self))
    }
}

/// `promtool check metrics` did not exit within two minutes of closing its output.
struct PromtoolError: Error, CustomStringConvertible {
    static func stillRunning(printed: String) -> PromtoolError { PromtoolError(printed: printed) }
    var printed: String
    var description: String { "promtool still running two minutes after closing its output; it printed: \(printed)" }
}
