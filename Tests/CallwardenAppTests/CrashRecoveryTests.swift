import CallPipeline
import CallwardenPorts
import Foundation
import SQLiteStore
import Testing

/// The daemon as a child process: killed with SIGKILL in the middle of ingesting a CDR file and
/// started again, it must end with every line stored exactly once. Stopped with SIGTERM, it must
/// exit cleanly.
@Suite(.serialized)
struct CrashRecoveryTests {
    static let totalLines = 60_000
    /// The first line's call start: one line every 7 s ends about an hour before the test runs.
    static let firstCall = Date().addingTimeInterval(-Double(totalLines) * 7 - 3_600)

    func writeCDR(to path: String, lines: Range<Int>) throws {
        // Recent calls (the last five days), well inside the store's retention of ordinary calls.
        let start = Self.firstCall
        var text = ""
        for index in lines {
            // A thousand callers (the drama range) over five days, each calling a different one of
            // 90 extensions every time: nothing that triggers detection (no caller calls the same
            // extension twice, so no stalking), so the test measures ingestion alone.
            let callerIndex = index % 1_000
            let round = index / 1_000
            let caller = "0770090" + String(format: "%04d", callerIndex)
            text += TestSupport.asteriskLine(
                index: index, caller: caller, callee: String(1_000 + (callerIndex + round) % 90),
                start: start.addingTimeInterval(Double(index) * 7)) + "\n"
        }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// What one round of start-and-kill saw.
    struct KillRound: Sendable {
        var before: Int
        var after: Int
        var linesInFile: Int
        var killedBySignal: Bool
    }

    /// Starts the daemon, waits (polling every 5 ms) until it has stored more than `before`
    /// events, and kills it with SIGKILL at once. Runs on its own thread, not the test's task: the
    /// kill must follow the first commit closely, and a test task on a busy 2-thread cooperative
    /// pool may resume long after that (and blocking that pool would stall the other tests).
    static func startAndKill(config: String, storePath: String, linesInFile: Int) async throws -> KillRound {
        let daemon = try TestSupport.startDaemon(config: config)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let before = TestSupport.storedEvents(storePath)
                let deadline = Date().addingTimeInterval(60)
                while TestSupport.storedEvents(storePath) <= before, daemon.isRunning, Date() < deadline { usleep(5_000) }
                kill(daemon.processIdentifier, SIGKILL)
                // Polled: Foundation's `waitUntilExit` on a thread of one's own can spin forever.
                for _ in 0..<3_000 where daemon.isRunning { usleep(10_000) }
                let after = (try? SQLiteStore(path: storePath).statistics().events) ?? -1
                continuation.resume(returning: KillRound(
                    before: before, after: after, linesInFile: linesInFile,
                    killedBySignal: !daemon.isRunning && daemon.terminationReason == .uncaughtSignal))
            }
        }
    }

    @Test func killNineMidIngestLosesAndDuplicatesNothing() async throws {
        let directory = try TestSupport.temporaryDirectory("kill9")
        let cdr = directory + "/Master.csv"
        let config = try TestSupport.writeConfiguration(in: directory, cdrPath: cdr)
        let storePath = directory + "/callwarden.sqlite"

        // Three rounds; before each, the PBX appends a third of the lines, so every round has
        // ingestion to interrupt.
        let chunk = Self.totalLines / 3
        var rounds: [KillRound] = []
        for round in 0..<3 {
            try writeCDR(to: cdr, lines: (round * chunk)..<((round + 1) * chunk))
            let result = try await Self.startAndKill(config: config, storePath: storePath, linesInFile: (round + 1) * chunk)
            #expect(result.killedBySignal, "the daemon stopped by itself: \(TestSupport.daemonLog(config: config))")
            // It stored some of this round's lines before the kill.
            #expect(result.after > result.before)
            rounds.append(result)
        }
        // The last start runs to the end of the file.
        let daemon = try TestSupport.startDaemon(config: config)
        defer {
            if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        }
        let caughtUp = await TestSupport.wait(upTo: 120) { TestSupport.storedEvents(storePath) >= Self.totalLines }
        #expect(caughtUp, "\(TestSupport.daemonLog(config: config))")
        kill(daemon.processIdentifier, SIGTERM)
        await TestSupport.exit(of: daemon)

        let statistics = try SQLiteStore(path: storePath).statistics()
        // A kill landed in the middle of ingestion: some of the file stored, not all of it.
        let midIngestKills = rounds.filter { $0.after < $0.linesInFile }.count
        #expect(midIngestKills >= 1, "at least one kill must interrupt ingestion: \(rounds)")
        #expect(statistics.events == Self.totalLines)
        #expect(statistics.calls == Self.totalLines)
        #expect(statistics.malformed == 0)
        // The data triggers no detection (see writeCDR): the rounds above measured ingestion alone.
        #expect(statistics.detections == 0)
        let checkpoint = try SQLiteStore(path: storePath).checkpoint(forPath: cdr)
        #expect(checkpoint?.lineNumber == Int64(Self.totalLines))
    }

    @Test func sigtermStopsTheDaemonCleanlyAndKeepsWhatItRead() async throws {
        let directory = try TestSupport.temporaryDirectory("sigterm")
        let cdr = directory + "/Master.csv"
        try writeCDR(to: cdr, lines: 0..<2_000)
        let config = try TestSupport.writeConfiguration(in: directory, cdrPath: cdr)
        let daemon = try TestSupport.startDaemon(config: config)
        let storePath = directory + "/callwarden.sqlite"
        let done = await TestSupport.wait(upTo: 60) { TestSupport.storedEvents(storePath) == 2_000 }
        #expect(done, "\(TestSupport.daemonLog(config: config))")
        kill(daemon.processIdentifier, SIGTERM)
        await TestSupport.exit(of: daemon)
        #expect(daemon.terminationReason == .exit)
        #expect(daemon.terminationStatus == 0)
        #expect(try SQLiteStore(path: storePath).statistics().events == 2_000)
    }
}
