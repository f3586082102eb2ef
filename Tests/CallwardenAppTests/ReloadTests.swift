import CallModel
import CallwardenApp
import Incidents
import ListenerGuards
import EventStreams
import Logging
import SystemClock
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

    @Test("a reload adds a webhook (secret read from its file) and sets the log level; an alert raised before it reaches the new sink once")
    func reloadAlertSinksAndLogLevel() async throws {
        let directory = try TestSupport.temporaryDirectory("reload-sinks")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret(IncidentDaemonTests.secret, named: "hook.secret", in: directory)
        let cdr = directory + "/Master.csv"
        let config = try writeConfiguration(in: directory, cdr: cdr, allow: [], extra: "alerts:\n  journal: false")
        let daemon = try await buildDaemon(
            configuration: try CallwardenConfiguration.load(path: config), logger: TestSupport.daemonLogger,
            options: DaemonBuildOptions(configurationPath: config))
        let received = ReceivedBodies()
        let (receiverTask, port) = try await IncidentDaemonTests.startReceiver(collecting: received)
        defer { receiverTask.cancel() }
        defer { ProcessLogLevel.shared.level = .info }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.run() }
            _ = try await daemon.ready()
            // No sink yet: the flag's alert waits in the outbox.
            _ = try daemon.store.flagMaliciousCall(
                MCIDRequest(
                    call: .lastCall(toExtension: "1001", within: .minutes(10)), kind: .bombThreat, actor: "pbx:*391 from 1001",
                    note: "before the reload", time: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))),
                crisisLine: nil)
            #expect(try daemon.store.pendingAlertCount(forSink: "webhook:security", at: WallClock.system.now()) == 1)

            _ = try writeConfiguration(
                in: directory, cdr: cdr, allow: [],
                extra: """
                    alerts:
                      journal: false
                      webhooks:
                        - name: security
                          url: http://127.0.0.1:\(port)/hook
                          secret_file: hook.secret
                    """, level: "debug")
            #expect(await daemon.reload() == .applied(needsRestart: []))
            #expect(ProcessLogLevel.shared.level == .debug)
            #expect(await TestSupport.wait(upTo: 30) { received.all.count == 1 })
            #expect(await TestSupport.wait(upTo: 30) {
                daemon.registry.prometheusText().contains("callwarden_alerts_delivered_total{sink=\"webhook:security\"} 1")
            })
            let body = try #require(received.all.first)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(json["type"] as? String == "incident.flagged")
            let data = try #require(json["data"] as? [String: Any])
            #expect(data["kind"] as? String == "bomb-threat")
            await daemon.shutdown()
            try await tasks.waitForAll()
        }
        #expect(received.all.count == 1)
    }

    @Test("a reload puts the listeners' rotated secret files in force: the push AUTH secret and the HEP auth key")
    func reloadListenerSecrets() throws {
        let directory = try TestSupport.temporaryDirectory("reload-secrets")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret("push-secret-one", named: "push.secret", in: directory)
        try TestSupport.writeSecret("hep-key-one", named: "hep.key", in: directory)
        let config = try writeConfiguration(
            in: directory, cdr: directory + "/Master.csv", allow: [],
            extra: """
                push:
                  listeners:
                    - tcp: 127.0.0.1:7070
                      secret_file: push.secret
                hep:
                  address: 127.0.0.1
                  port: 9060
                  auth_key_file: hep.key
                """)
        let first = try CallwardenConfiguration.load(path: config)
        let name = try #require(first.streams.listeners.first?.name)
        let push = ReloadableSetting<Secret?>(first.streams.listeners.first?.secret)
        let hep = ReloadableSetting<Secret?>(first.hep?.authKey)
        let secrets = ListenerSecrets(push: [name: push], hep: hep)

        try TestSupport.writeSecret("push-secret-two", named: "push.secret", in: directory)
        try TestSupport.writeSecret("hep-key-two", named: "hep.key", in: directory)
        secrets.apply(try CallwardenConfiguration.load(path: config))
        #expect(push.current == Secret("push-secret-two"))
        #expect(hep.current == Secret("hep-key-two"))
        #expect(push.current != Secret("push-secret-one"))
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
