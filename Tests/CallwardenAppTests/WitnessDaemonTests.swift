import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Ingest
import SQLiteStore
import Testing

/// One call however many witnesses, end to end in the daemon as `serve` builds it: an Asterisk
/// call asked about over FastAGI and written to Master.csv, and a call both tailed from a JSON
/// lines file and pushed, are each one call; N calls from one number count N, and each threshold
/// fires exactly at its threshold (repeat-caller: an alert at the 5th call, the block at the 10th,
/// twice the threshold).
@Suite(.serialized)
struct WitnessDaemonTests {
    static let caller = "07700900123"

    /// What the store says after call `index` (1-based) has all its witnesses stored.
    struct Snapshot: Equatable {
        var calls: Int
        var detectionCalls: [Int]
        var actions: [ResponseAction]
    }

    /// Read from the store on a thread of its own (opening and reading SQLite blocks; the test's
    /// tasks share the cooperative pool with every other test's).
    static func snapshot(_ storePath: String) async throws -> Snapshot {
        try await DedicatedThread.run(name: "test-store-read") {
            let store = try SQLiteStore(path: storePath, readOnly: true)
            defer { try? store.close() }
            let detections = try store.detections(limit: 10)
            return Snapshot(
                calls: try store.statistics().calls, detectionCalls: detections.map(\.calls),
                actions: detections.map(\.action))
        }
    }

    /// What the repeat-caller rule must have done after call `index`: nothing before the 5th,
    /// one episode counting every call from then on, its action stepping up to a block at the 10th.
    static func expected(afterCall index: Int) -> Snapshot {
        guard index >= 5 else { return Snapshot(calls: index, detectionCalls: [], actions: []) }
        return Snapshot(calls: index, detectionCalls: [index], actions: [index >= 10 ? .block : .alert])
    }

    /// Waits (a bound, not a timing assertion) until `events` events are stored; each look on a
    /// thread of its own.
    static func waitForEvents(_ events: Int, in storePath: String) async -> Bool {
        for _ in 0..<1_200 {
            let stored = (try? await DedicatedThread.run(name: "test-store-read") { TestSupport.storedEvents(storePath) }) ?? 0
            if stored >= events { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// One FastAGI session as Asterisk's res_agi runs it (the shipped dialplan's
    /// `AGI(agi://...,callid=${CHANNEL(linkedid)})`), on a thread of its own: the variables, then
    /// `200 result=1` to each command until the server closes. The actions it was told.
    static func askOverAGI(port: Int, uniqueID: String) async throws -> [String] {
        try await DedicatedThread.run(name: "test-agi") {
            guard let socket = BlockingLineSocket(port: port) else { return [] }
            let lines = [
                "agi_network: yes", "agi_network_script: screen", "agi_request: agi://127.0.0.1:\(port)/screen",
                "agi_channel: PJSIP/trunk-00000007", "agi_language: en", "agi_type: PJSIP",
                "agi_uniqueid: \(uniqueID)", "agi_version: 20.5.0", "agi_callerid: \(caller)",
                "agi_calleridname: Caller", "agi_callingpres: 0", "agi_dnid: 1001", "agi_context: from-trunk",
                "agi_extension: 1001", "agi_priority: 3", "agi_enhanced: 0.0", "agi_accountcode: ",
                "agi_threadid: 140234567890", "agi_arg_1: callid=\(uniqueID)",
            ]
            socket.send(lines.joined(separator: "\n") + "\n\n")
            var commands: [String] = []
            while let line = socket.readLine() {
                commands.append(line)
                socket.send("200 result=1\n")
            }
            return commands
        }
    }

    static func append(_ line: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    @Test func fastAGIQuestionsAndMasterCSVLinesOfOneCallCountOnce() async throws {
        let directory = try TestSupport.temporaryDirectory("witness-asterisk")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdrPath = directory + "/Master.csv"
        FileManager.default.createFile(atPath: cdrPath, contents: nil)
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(cdrPath)
                      format: asterisk-csv
                  poll_interval: 1s
                decision:
                  http: off
                  agi: 127.0.0.1:0
                  request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
                logging:
                  level: warning
                """)
        let storePath = directory + "/callwarden.sqlite"
        try await TestSupport.withDaemon(config: config) { _, addresses in
            let port = TestSupport.port(addresses, "decision.agi")
            #expect(port > 0)
            for index in 1...10 {
                // The question when the call comes in, the CDR line when it ends: the same
                // uniqueid (the call's first channel, so also its linkedid).
                let uniqueID = "1768200000.\(index)"
                let commands = try await Self.askOverAGI(port: port, uniqueID: uniqueID)
                #expect(commands.first?.hasPrefix("SET VARIABLE CALLWARDEN_ACTION") == true)
                try Self.append(
                    TestSupport.asteriskLine(index: index, caller: Self.caller, start: Date().addingTimeInterval(-1)),
                    to: cdrPath)
                #expect(await Self.waitForEvents(2 * index, in: storePath))
                #expect(try await Self.snapshot(storePath) == Self.expected(afterCall: index), "after call \(index)")
            }
        }
        let store = try SQLiteStore(path: storePath, readOnly: true)
        defer { try? store.close() }
        let statistics = try store.statistics()
        #expect(statistics.events == 20)
        #expect(statistics.calls == 10)
        let incident = try #require(try store.incidents(limit: 5).first)
        let calls = try #require(try store.timeline(incidentID: incident.id)).calls
        #expect(calls.count == 10)
        // Both witnesses of each call, in whichever order the ingest loop stored them.
        #expect(calls.allSatisfy { Set($0.witnesses.map(\.source)) == [.decisionRequest, .asteriskCSV] })
        #expect(calls.allSatisfy { $0.witnesses.count == 2 })
        #expect(calls.allSatisfy { $0.decision != nil && $0.disposition == .answered && $0.talkTime == .seconds(60) })
    }

    @Test func aCallBothTailedAndPushedCountsOnce() async throws {
        let directory = try TestSupport.temporaryDirectory("witness-pushed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let eventsPath = directory + "/events.jsonl"
        FileManager.default.createFile(atPath: eventsPath, contents: nil)
        try TestSupport.writeSecret("witness-test-secret", named: "push.secret", in: directory)
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(eventsPath)
                      format: jsonl
                  poll_interval: 1s
                decision:
                  http: off
                push:
                  listeners:
                    - tcp: 127.0.0.1:0
                      format: jsonl
                      secret_file: push.secret
                logging:
                  level: warning
                """)
        let storePath = directory + "/callwarden.sqlite"
        try await TestSupport.withDaemon(config: config) { _, addresses in
            let pushPort = TestSupport.port(addresses, "push:tcp:127.0.0.1:0")
            #expect(pushPort != 0, "\(addresses)")
            let start = Int(Date().timeIntervalSince1970) - 600
            for index in 1...10 {
                let callStart = start + index * 30
                // The PBX pushes the call as it starts; the same call's record lands in the file.
                let pushed = #"{"time":\#(callStart),"call_id":"both-\#(index)","phase":"started","caller":"\#(Self.caller)","callee":"1001"}"#
                let tailed = #"{"time":\#(callStart + 20),"call_id":"both-\#(index)","phase":"ended","caller":"\#(Self.caller)","callee":"1001","disposition":"answered","start":\#(callStart),"duration":20,"talk_time":15}"#
                let acknowledged = try await DedicatedThread.run(name: "test-push") { () -> String? in
                    guard let socket = BlockingLineSocket(port: pushPort) else { return nil }
                    socket.send("AUTH witness-test-secret\n" + pushed + "\n")
                    _ = socket.readLine()  // the AUTH line's OK
                    return socket.readLine()
                }
                #expect(acknowledged?.hasPrefix("OK ") == true)
                try Self.append(tailed, to: eventsPath)
                #expect(await Self.waitForEvents(2 * index, in: storePath))
                #expect(try await Self.snapshot(storePath) == Self.expected(afterCall: index), "after call \(index)")
            }
        }
    }
}
