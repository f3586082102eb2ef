import CallwardenApp
import CallwardenPorts
import MetricsExposition
import Foundation
import SQLiteStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14, "Reload": SIGHUP re-reads the configuration; a valid file is put in force between two
/// ingest rounds (no event lost or doubled), an invalid one is refused with every problem and the
/// running configuration stays; a metric counts both.
@Suite(.serialized)
struct ReloadTests {
    static let caller = "07700900555"

    func append(_ range: Range<Int>, to path: String, start: Date) throws {
        var text = ""
        for index in range {
            text += TestSupport.asteriskLine(index: index, caller: Self.caller, start: start.addingTimeInterval(Double(index) * 60)) + "\n"
        }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func writeConfiguration(in directory: String, cdr: String, allow: [String], extra: String = "", level: String = "warning") throws -> String {
        try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(cdr)
                      format: asterisk-csv
                      start: beginning
                  poll_interval: 1s
                detection:
                  allow: [\(allow.joined(separator: ", "))]
                  repeat_caller:
                    threshold: 5
                    window: 30m
                decision:
                  http: off
                logging:
                  level: \(level)
                \(extra)
                """)
    }

    @Test("a reload puts a new allow list in force without losing or doubling an event; an invalid file is refused")
    func reloadInProcess() async throws {
        let directory = try TestSupport.temporaryDirectory("reload")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdr = directory + "/Master.csv"
        // Recent event times: the new detector is warmed up from the store's last days, as at a restart.
        let start = Date().addingTimeInterval(-3_600)
        let config = try writeConfiguration(in: directory, cdr: cdr, allow: [Self.caller])
        let configuration = try CallwardenConfiguration.load(path: config)
        let daemon = try await buildDaemon(
            configuration: configuration, logger: TestSupport.daemonLogger,
            options: DaemonBuildOptions(configurationPath: config))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.run() }
            _ = try await daemon.ready()
            // After the loop's first look at the (absent) file: what comes is live, not history.
            _ = await TestSupport.wait(upTo: 30) { daemon.ingestLastRound() > 0 }
            // Allowed: five calls within the window, no detection.
            try append(0..<5, to: cdr, start: start)
            #expect(await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 5 })
            #expect(try daemon.store.statistics().detections == 0)

            // An invalid file: refused with every problem, the allow list stays.
            _ = try writeConfiguration(in: directory, cdr: cdr, allow: [Self.caller], extra: "bogus_key: 1\nresponse:\n  crisis_line: not-a-number")
            guard case .refused(let problems) = await daemon.reload() else {
                Issue.record("an invalid configuration was applied")
                return
            }
            #expect(problems.contains { $0.hasPrefix("bogus_key") }, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("response.crisis_line") }, "\(problems)")
            #expect(daemon.reloader.configuration.detection.allowNumbers.count == 1)

            // A valid file without the allow entry: in force for what comes next.
            _ = try writeConfiguration(in: directory, cdr: cdr, allow: [])
            #expect(await daemon.reload() == .applied(needsRestart: []))
            #expect(daemon.reloader.configuration.detection.allowNumbers.isEmpty)
            try append(5..<10, to: cdr, start: start)
            #expect(await TestSupport.wait(upTo: 30) { (try? daemon.store.statistics().events) == 10 })
            #expect(await TestSupport.wait(upTo: 30) { ((try? daemon.store.statistics().detections) ?? 0) > 0 })

            // Lines written = lines stored, none twice.
            #expect(try daemon.store.statistics().events == 10)
            let metrics = daemon.registry.prometheusText()
            #expect(metrics.contains("callwarden_config_reloads_total{result=\"applied\"} 1"), "\(metrics)")
            #expect(metrics.contains("callwarden_config_reloads_total{result=\"refused\"} 1"))
            await daemon.shutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a real SIGHUP to `callwarden serve` reloads and the daemon keeps running")
    func sighupToChild() async throws {
        let directory = try TestSupport.temporaryDirectory("reload-sighup")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdr = directory + "/Master.csv"
        let start = Date().addingTimeInterval(-3_600)
        let config = try writeConfiguration(in: directory, cdr: cdr, allow: [Self.caller], level: "info")
        let storePath = directory + "/callwarden.sqlite"
        let daemon = try TestSupport.startDaemon(config: config)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(await TestSupport.wait(upTo: 60) { TestSupport.daemonLog(config: config).contains("callwarden running") })
        try append(0..<3, to: cdr, start: start)
        #expect(await TestSupport.wait(upTo: 30) { TestSupport.storedEvents(storePath) == 3 })

        _ = try writeConfiguration(in: directory, cdr: cdr, allow: [], level: "info")
        kill(daemon.processIdentifier, SIGHUP)
        #expect(await TestSupport.wait(upTo: 30) { TestSupport.daemonLog(config: config).contains("configuration reloaded") })
        #expect(daemon.isRunning, "SIGHUP stopped the daemon: \(TestSupport.daemonLog(config: config))")
        try append(3..<6, to: cdr, start: start)
        #expect(await TestSupport.wait(upTo: 30) { TestSupport.storedEvents(storePath) == 6 })

        kill(daemon.processIdentifier, SIGTERM)
        await TestSupport.exit(of: daemon)
        #expect(daemon.terminationStatus == 0)
        #expect(TestSupport.storedEvents(storePath) == 6)
    }
}
