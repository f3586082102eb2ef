import CallPipeline
import Foundation
import SQLiteStore
import Testing

/// The daemon as a child process: killed with SIGKILL in the middle of ingesting a CDR file and
/// started again, it must end with every line stored exactly once. Stopped with SIGTERM, it must
/// exit cleanly.
@Suite(.serialized)
struct CrashRecoveryTests {
    static let totalLines = 60_000

    func writeCDR(to path: String, lines: Range<Int>) throws {
        let start = Date(timeIntervalSince1970: 1_768_200_000)
        var text = ""
        for index in lines {
            // Many distinct callers: a realistic day, nothing that triggers detection.
            let caller = "0770090" + String(format: "%04d", index % 1_000)
            text += TestSupport.asteriskLine(
                index: index, caller: caller, callee: String(1_000 + index % 90),
                start: start.addingTimeInterval(Double(index) * 7)) + "\n"
        }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Events in the daemon's store, read the way an operator's tool beside it would: read-only,
    /// so the test never migrates (or locks) the file the daemon is creating; 0 until it exists.
    static func storedEvents(_ storePath: String) -> Int {
        guard let store = try? SQLiteStore(path: storePath, readOnly: true) else { return 0 }
        defer { try? store.close() }
        return (try? store.statistics().events) ?? 0
    }

    @Test func killNineMidIngestLosesAndDuplicatesNothing() throws {
        let directory = try TestSupport.temporaryDirectory("kill9")
        let cdr = directory + "/Master.csv"
        try writeCDR(to: cdr, lines: 0..<(Self.totalLines / 2))
        let config = try TestSupport.writeConfiguration(in: directory, cdrPath: cdr)
        let storePath = directory + "/callwarden.sqlite"

        var kills = 0
        var midIngestKills = 0
        for round in 0..<3 {
            let daemon = try TestSupport.startDaemon(config: config)
            // Wait until it has stored something in this round, then kill it without warning.
            let before = Self.storedEvents(storePath)
            _ = TestSupport.wait(upTo: 60) { Self.storedEvents(storePath) > before }
            if round == 1 { try writeCDR(to: cdr, lines: (Self.totalLines / 2)..<Self.totalLines) }
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()
            #expect(daemon.terminationReason == .uncaughtSignal, "the daemon stopped by itself: \(TestSupport.daemonLog(config: config))")
            // The kill landed in the middle: some of this round's lines were stored, not all.
            let after = try SQLiteStore(path: storePath).statistics().events
            #expect(after > before)
            if after < Self.totalLines / 2 { midIngestKills += 1 }
            kills += 1
        }
        // The last start runs to the end of the file.
        let daemon = try TestSupport.startDaemon(config: config)
        defer {
            if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        }
        let caughtUp = TestSupport.wait(upTo: 120) { Self.storedEvents(storePath) >= Self.totalLines }
        #expect(caughtUp, "\(TestSupport.daemonLog(config: config))")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()

        let statistics = try SQLiteStore(path: storePath).statistics()
        #expect(kills == 3)
        #expect(midIngestKills >= 1, "at least one kill must interrupt ingestion")
        #expect(statistics.events == Self.totalLines)
        #expect(statistics.calls == Self.totalLines)
        #expect(statistics.malformed == 0)
        let checkpoint = try SQLiteStore(path: storePath).checkpoint(forPath: cdr)
        #expect(checkpoint?.lineNumber == Int64(Self.totalLines))
    }

    @Test func sigtermStopsTheDaemonCleanlyAndKeepsWhatItRead() throws {
        let directory = try TestSupport.temporaryDirectory("sigterm")
        let cdr = directory + "/Master.csv"
        try writeCDR(to: cdr, lines: 0..<2_000)
        let config = try TestSupport.writeConfiguration(in: directory, cdrPath: cdr)
        let daemon = try TestSupport.startDaemon(config: config)
        let storePath = directory + "/callwarden.sqlite"
        let done = TestSupport.wait(upTo: 60) { Self.storedEvents(storePath) == 2_000 }
        #expect(done, "\(TestSupport.daemonLog(config: config))")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .exit)
        #expect(daemon.terminationStatus == 0)
        #expect(try SQLiteStore(path: storePath).statistics().events == 2_000)
    }
}
