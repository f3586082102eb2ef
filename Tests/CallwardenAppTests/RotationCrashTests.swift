import Foundation
import SQLiteStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14, "Nothing lost on rotation", end to end: `callwarden serve` follows a Master.csv that
/// Debian's `logrotate` rotates (rename, then copytruncate) while the daemon runs, lags and is
/// stopped, and the daemon is killed with SIGKILL each round. At the end, lines written = events
/// stored (each line a distinct call).
@Suite(.serialized)
struct RotationCrashTests {
    static var logrotate: String? {
        ["/usr/sbin/logrotate", "/sbin/logrotate", "/usr/bin/logrotate"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    final class Writer: @unchecked Sendable {
        let path: String
        let start = Date().addingTimeInterval(-30 * 86_400)
        var next = 0
        init(path: String) { self.path = path }

        /// Appends `count` distinct calls (opening the path each time, as Asterisk's cdr_csv does).
        func write(_ count: Int) throws {
            var text = ""
            for index in next..<(next + count) {
                text += TestSupport.asteriskLine(
                    index: index, caller: "0770090" + String(format: "%04d", index % 10_000), callee: String(1_000 + index % 90),
                    start: start.addingTimeInterval(Double(index) * 7)) + "\n"
            }
            next += count
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }
    }

    func rotate(_ path: String, mode: String, directory: String) throws {
        let config = directory + "/logrotate.conf"
        try "\(path) {\n    \(mode)\n    rotate 100\n    missingok\n    nocompress\n}\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o644)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.logrotate))
        process.arguments = ["-f", "-s", directory + "/logrotate.state", config]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("rename and copytruncate rotations, running, lagging and stopped, under kill -9: every line stored once",
          .enabled(if: logrotate != nil), arguments: ["create 0640", "copytruncate"])
    func rotationsUnderKillNine(mode: String) async throws {
        let directory = try TestSupport.temporaryDirectory("rotation-kill9")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        chmod(directory, 0o755)
        let cdr = directory + "/Master.csv"
        let config = try TestSupport.writeConfiguration(in: directory, cdrPath: cdr)
        let storePath = directory + "/callwarden.sqlite"
        let writer = Writer(path: cdr)
        for _ in 0..<3 {
            try writer.write(3_000)
            let before = TestSupport.storedEvents(storePath)
            let daemon = try TestSupport.startDaemon(config: config)
            _ = await TestSupport.wait(upTo: 60) { TestSupport.storedEvents(storePath) > before || !daemon.isRunning }
            // Running and lagging: two rotations with lines between them.
            try rotate(cdr, mode: mode, directory: directory)
            try writer.write(2_000)
            try rotate(cdr, mode: mode, directory: directory)
            try writer.write(1_000)
            kill(daemon.processIdentifier, SIGKILL)
            await TestSupport.exit(of: daemon)
            #expect(daemon.terminationReason == .uncaughtSignal, "the daemon stopped by itself: \(TestSupport.daemonLog(config: config))")
            // Stopped: one more rotation.
            try rotate(cdr, mode: mode, directory: directory)
            try writer.write(500)
        }
        let daemon = try TestSupport.startDaemon(config: config)
        let total = writer.next
        let caughtUp = await TestSupport.wait(upTo: 180) { TestSupport.storedEvents(storePath) >= total }
        kill(daemon.processIdentifier, SIGTERM)
        await TestSupport.exit(of: daemon)
        #expect(caughtUp, "\(TestSupport.storedEvents(storePath)) of \(total): \(TestSupport.daemonLog(config: config))")
        #expect(TestSupport.storedEvents(storePath) == total)
    }
}
