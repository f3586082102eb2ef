import CDRIngest
import CallwardenApp
import CallwardenPorts
import Foundation
import SQLiteStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14, "Install and run" and "first start": `start: end` reads only what is written after
/// the first start (and records that position at once), a missing CDR file is a warning and is
/// read when it appears, `check-config` tries paths and ports on this machine, and the executable
/// knows its version and `$CALLWARDEN_CONFIG`.
@Suite(.serialized)
struct FirstStartAndProbeTests {
    static let start = Date(timeIntervalSince1970: 1_768_200_000)

    func append(_ range: Range<Int>, to path: String) throws {
        var text = ""
        for index in range {
            text += TestSupport.asteriskLine(
                index: index, caller: "0770090" + String(format: "%04d", index), start: Self.start.addingTimeInterval(Double(index) * 60)) + "\n"
        }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func configuration(in directory: String, cdr: String, start: String?) throws -> String {
        try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(cdr)
                      format: asterisk-csv
                \(start.map { "      start: \($0)" } ?? "")
                  poll_interval: 1s
                decision:
                  http: off
                logging:
                  level: warning
                """)
    }

    @Test("start: end skips the history, records the end at once, and reads what comes after")
    func startAtEndSkipsHistory() async throws {
        let directory = try TestSupport.temporaryDirectory("first-start-end")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdr = directory + "/Master.csv"
        try append(0..<50, to: cdr)
        let config = try configuration(in: directory, cdr: cdr, start: nil)
        let storePath = directory + "/callwarden.sqlite"
        try await TestSupport.withDaemon(config: config) { daemon, _ in
            // The end is committed as the checkpoint before anything new is written.
            let recorded = await TestSupport.wait(upTo: 30) {
                (try? daemon.store.checkpoint(forPath: cdr))?.lineNumber == 50
            }
            #expect(recorded)
            try append(50..<53, to: cdr)
            let read = await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 3 }
            #expect(read, "only the 3 new lines are stored")
        }
        // A restart continues from the checkpoint: nothing of the history, nothing twice.
        try append(53..<55, to: cdr)
        try await TestSupport.withDaemon(config: config) { daemon, _ in
            let read = await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 5 }
            #expect(read)
        }
        #expect(TestSupport.storedEvents(storePath) == 5)
    }

    @Test("start: beginning imports the history; a file that appears after the start is read whole")
    func beginningAndLateFile() async throws {
        let directory = try TestSupport.temporaryDirectory("first-start-beginning")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = directory + "/History.csv"
        try append(0..<20, to: history)
        let late = directory + "/Late.csv"
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(history)
                      format: asterisk-csv
                      start: beginning
                    - path: \(late)
                      format: asterisk-csv
                  poll_interval: 1s
                decision:
                  http: off
                logging:
                  level: warning
                """)
        try await TestSupport.withDaemon(config: config) { daemon, _ in
            #expect(await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 20 })
            #expect(await TestSupport.wait(upTo: 30) { daemon.ingestLastRound() > 0 })
            // Late.csv did not exist at the start (start: end): when it appears it is new, read whole.
            try append(100..<107, to: late)
            #expect(await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 27 })
        }
    }

    @Test("start: beginning imports a burst of the history without an incident; the same burst going on after the start opens one")
    func historicalEpisodes() async throws {
        let directory = try TestSupport.temporaryDirectory("first-start-history")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdr = directory + "/Master.csv"
        let burst = Date().addingTimeInterval(-7_200)
        func calls(_ range: Range<Int>, from caller: String, at start: Date) -> String {
            range.map { TestSupport.asteriskLine(index: $0, caller: caller, start: start.addingTimeInterval(Double($0 % 100) * 60)) + "\n" }.joined()
        }
        // History: a burst from one number (an episode that ended two hours ago), and the first
        // calls of another caller, whose burst goes on after the start.
        try (calls(0..<6, from: "07700900111", at: burst) + calls(100..<103, from: "07700900222", at: Date().addingTimeInterval(-600)))
            .write(toFile: cdr, atomically: true, encoding: .utf8)
        let config = try configuration(in: directory, cdr: cdr, start: "beginning")
        try await TestSupport.withDaemon(config: config) { daemon, _ in
            #expect(await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 9 })
            #expect(await TestSupport.wait(upTo: 30) { ((try? daemon.store.historicalDetectionCount()) ?? 0) >= 1 })
            #expect(try daemon.store.incidents(limit: 10).isEmpty, "a burst of the history opened an incident")
            // Live calls continue the second caller's burst: its episode opens an incident now.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cdr))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(calls(103..<106, from: "07700900222", at: Date().addingTimeInterval(-600)).utf8))
            try handle.close()
            #expect(await TestSupport.wait(upTo: 30) { ((try? daemon.store.incidents(limit: 10).count) ?? 0) == 1 })
        }
        // A restart neither re-imports nor marks anything again.
        try await TestSupport.withDaemon(config: config) { daemon, _ in
            try? await Task.sleep(for: .milliseconds(300))
            let events = try daemon.store.statistics().events
            let incidents = try daemon.store.incidents(limit: 10).count
            #expect(events == 12)
            #expect(incidents == 1)
        }
    }

    @Test("start must be end or beginning")
    func startIsValidated() throws {
        #expect(throws: ConfigurationErrors.self) {
            try CallwardenConfiguration.parse(
                yaml: "cdr:\n  files:\n    - path: a.csv\n      start: middle\n", baseDirectory: "/tmp")
        }
        let parsed = try CallwardenConfiguration.parse(yaml: "cdr:\n  files:\n    - path: a.csv\n", baseDirectory: "/tmp")
        #expect(parsed.cdrFiles.first?.start == .end)
    }

    @Test("the probe names a taken port, a missing store directory and a missing CDR file with their keys")
    func probeFindings() throws {
        // A port taken by a listening socket of this test.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                #expect(bind(fd, raw, length) == 0)
                #expect(listen(fd, 1) == 0)
                #expect(getsockname(fd, raw, &length) == 0)
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let directory = try TestSupport.temporaryDirectory("probe")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try CallwardenConfiguration.parse(
            yaml: """
                store:
                  path: \(directory)/no-such-directory/callwarden.sqlite
                cdr:
                  files:
                    - path: \(directory)/Master.csv
                decision:
                  http: 127.0.0.1:\(port)
                """, baseDirectory: directory)
        let findings = ConfigurationProbe.run(configuration)
        let text = findings.map(\.description)
        #expect(text.contains { $0.hasPrefix("error: decision.http: 127.0.0.1:\(port): cannot bind") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("error: store.path: \(directory)/no-such-directory") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("warning: cdr.files[0].path: \(directory)/Master.csv does not exist") }, "\(text)")

        // The same machine with the port free, the directory there and the file present: clean.
        close(fd)
        FileManager.default.createFile(atPath: directory + "/Master.csv", contents: nil)
        let fine = try CallwardenConfiguration.parse(
            yaml: """
                store:
                  path: \(directory)/callwarden.sqlite
                cdr:
                  files:
                    - path: \(directory)/Master.csv
                decision:
                  http: 127.0.0.1:\(port)
                """, baseDirectory: directory)
        #expect(ConfigurationProbe.run(fine).isEmpty, "\(ConfigurationProbe.run(fine))")
    }

    @Test("--version names the version and commit; check-config takes $CALLWARDEN_CONFIG and fails on a probe error")
    func executable() async throws {
        let directory = try TestSupport.temporaryDirectory("version")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = directory + "/out.txt"
        let version = try TestSupport.launch(["--version"], logPath: output)
        await TestSupport.exit(of: version)
        #expect(version.terminationStatus == 0)
        let printed = try String(contentsOfFile: output, encoding: .utf8)
        #expect(printed.hasPrefix("callwarden \(BuildInfo.version) (commit "), "\(printed)")

        let config = try TestSupport.writeConfiguration(in: directory, sections: "decision:\n  http: off\n")
        // Valid and probed clean: exit 0 with no argument, the file from the environment.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: TestSupport.executable)
        check.arguments = ["check-config"]
        check.environment = ["CALLWARDEN_CONFIG": config]
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        await TestSupport.exit(of: check)
        #expect(check.terminationStatus == 0)
        // A store directory that does not exist: valid YAML, refused by the probe; not with --no-probes.
        let broken = directory + "/broken.yaml"
        try "store:\n  path: /nonexistent-callwarden/x.sqlite\ndecision:\n  http: off\n".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(try await TestSupport.run(["check-config", broken]) == 1)
        #expect(try await TestSupport.run(["check-config", "--no-probes", broken]) == 0)
    }
}
