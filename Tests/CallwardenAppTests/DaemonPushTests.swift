import CallPipeline
import CallwardenPorts
import Foundation
import SQLiteStore
import Testing

/// `callwarden serve` with a push listener, as a child process fed by a blocking socket: pushed
/// events are stored and acknowledged, and on SIGTERM everything acknowledged is stored and nothing
/// unacknowledged is (the listener stops first, the ingest loop commits, then the store closes).
@Suite(.serialized)
struct DaemonPushTests {
    static func line(_ index: Int) -> String {
        #"{"time":\#(1_768_208_400 + index * 7),"call_id":"daemon-push-\#(index)","phase":"started","caller":"07700900\#(String(format: "%03d", index % 1_000))","callee":"1001"}"#
            + "\n"
    }

    @Test func pushedEventsAreAcknowledgedAfterCommitAndSIGTERMLosesNothingAcknowledged() async throws {
        let directory = try TestSupport.temporaryDirectory("daemon-push")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret("daemon-test-secret", named: "push.secret", in: directory)
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                decision:
                  http: off
                push:
                  listeners:
                    - tcp: 127.0.0.1:0
                      format: jsonl
                      secret_file: push.secret
                """)
        // Port 0: the daemon reports the port it bound with READY=1 (systemd's STATUS= text).
        let notify = try NotifySocket(directory: directory)
        let daemon = try TestSupport.startDaemon(config: config, notify: notify)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        let listeners = try #require(await notify.readyListeners(upTo: 60), "READY=1: \(TestSupport.daemonLog(config: config))")
        let port = try #require(NotifySocket.port(listeners, "push:tcp:127.0.0.1:0"), "\(listeners)")
        let socket = try #require(BlockingLineSocket(port: port))
        socket.send("AUTH daemon-test-secret\n" + (1...100).map(Self.line).joined())
        var last = 0
        while last < 101, let answer = socket.readLine() {
            #expect(answer.hasPrefix("OK "))
            last = Int(answer.dropFirst(3)) ?? last
        }
        #expect(last == 101)
        #expect(try SQLiteStore(path: directory + "/callwarden.sqlite").statistics().events == 100)

        // More lines, and SIGTERM at once: whatever the listener read is committed and acknowledged
        // before it closes (it waits until its reads are queued, then for their commit, up to its
        // shutdown grace); nothing is stored without its OK.
        socket.send((101...300).map(Self.line).joined())
        kill(daemon.processIdentifier, SIGTERM)
        while let answer = socket.readLine() {
            if answer.hasPrefix("OK "), let line = Int(answer.dropFirst(3)) { last = max(last, line) }
        }
        #expect(await TestSupport.wait(upTo: 60) { !daemon.isRunning })
        #expect(daemon.terminationStatus == 0)
        let stored = try SQLiteStore(path: directory + "/callwarden.sqlite").statistics().events
        #expect(stored == last - 1)
    }
}
