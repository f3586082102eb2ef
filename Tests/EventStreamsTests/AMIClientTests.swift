import CallModel
import EventStreams
import Ingest
import SystemClock
import Foundation
import NIOCore
import Testing

/// The AMI client against a scripted manager that speaks AMI's framing byte for byte (Asterisk is
/// not packaged in Debian, so no real one runs here), including a manager restart.
@Suite(.timeLimit(.minutes(2)))
struct AMIClientTests {
    static func block(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
    }

    /// The channel snapshot block (protocols.md §2.3) of the caller's channel.
    static func channel(_ unique: String, linked: String, caller: String, state: (Int, String) = (4, "Ring")) -> [(String, String)] {
        [
            ("Channel", "PJSIP/trunk-000000\(unique.suffix(2))"), ("ChannelState", "\(state.0)"), ("ChannelStateDesc", state.1),
            ("CallerIDNum", caller), ("CallerIDName", "<unknown>"), ("ConnectedLineNum", "<unknown>"),
            ("ConnectedLineName", "<unknown>"), ("Language", "en"), ("AccountCode", ""), ("Context", "from-trunk"),
            ("Exten", "1001"), ("Priority", "1"), ("Uniqueid", unique), ("Linkedid", linked),
        ]
    }

    static func event(_ name: String, time: String, _ body: [(String, String)]) -> String {
        block([("Event", name), ("Privilege", "call,all"), ("Timestamp", time)] + body)
    }

    static let loginSuccess = block([("Response", "Success"), ("ActionID", "callwarden-login"), ("Message", "Authentication accepted")])

    @Test func followsCallsAcrossAManagerRestartAndLogsOff() async throws {
        let harness = try StreamHarness("ami")
        let first = try await ScriptedServer.listenBelowEphemeralRange()
        let port = first.port
        let client = AMIClient(
            configuration: ClientConfiguration(
                host: "127.0.0.1", port: port, initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100)),
            username: "callwarden", secret: "ami-secret", decoderConfiguration: StreamHarness.decoderConfiguration, clock: .system,
            logger: StreamHarness.quietLogger)
        let call = "1768208400.11"
        let secondSession = try await harness.run(services: [client], sources: [client.queue]) {
            let login = try await first.serveOne { input, output in
                try await output.write(ByteBuffer(string: "Asterisk Call Manager/9.0.0\r\n"))
                let login = try await input.read(until: "\r\n\r\n")
                try await output.write(ByteBuffer(string: Self.loginSuccess))
                var script = Self.event("Newchannel", time: "1768208400.250000", Self.channel(call, linked: call, caller: "07700900301"))
                // The callee's channel: same linkedid, another uniqueid; not a call of its own.
                script += Self.event("Newchannel", time: "1768208400.300000", Self.channel("1768208400.12", linked: call, caller: "1001"))
                script += Self.event("DialBegin", time: "1768208400.400000",
                    Self.channel(call, linked: call, caller: "07700900301") + [("DestUniqueid", "1768208400.12"), ("DialString", "1001")])
                script += Self.event("DialEnd", time: "1768208405.000000",
                    Self.channel(call, linked: call, caller: "07700900301", state: (6, "Up")) + [("DialStatus", "ANSWER")])
                script += Self.event("Hangup", time: "1768208465.120000",
                    Self.channel(call, linked: call, caller: "07700900301", state: (6, "Up")) + [("Cause", "16"), ("Cause-txt", "Normal Clearing")])
                script += Self.block([
                    ("Event", "Cdr"), ("Privilege", "cdr,all"), ("AccountCode", ""), ("Source", "07700900301"),
                    ("Destination", "1001"), ("DestinationContext", "from-trunk"), ("CallerID", "\"Caller\" <07700900301>"),
                    ("Channel", "PJSIP/trunk-00000011"), ("DestinationChannel", "PJSIP/1001-00000012"),
                    ("LastApplication", "Dial"), ("LastData", "PJSIP/1001,30"), ("StartTime", "2026-01-12 09:00:00"),
                    ("AnswerTime", "2026-01-12 09:00:05"), ("EndTime", "2026-01-12 09:01:05"), ("Duration", "65"),
                    ("BillableSeconds", "60"), ("Disposition", "ANSWERED"), ("AMAFlags", "DOCUMENTATION"),
                    ("UniqueID", call), ("UserField", ""), ("LinkedID", call),
                ])
                try await output.write(ByteBuffer(string: script))
                return login
            }

            let loginText = (login ?? nil) ?? ""
            #expect(loginText.contains("Action: Login\r\n"))
            #expect(loginText.contains("Username: callwarden\r\nSecret: ami-secret\r\nEvents: call,cdr"))
            _ = try await harness.waitForEvents(5)

            // The manager restarts on the same port; the client reconnects and logs in again.
            let second = try await ScriptedServer.listenAgain(port: port)
            let session = Task {
                try await second.serveOne { input, output -> [String] in
                    try await output.write(ByteBuffer(string: "Asterisk Call Manager/9.0.0\r\n"))
                    var actions: [String] = [try await input.read(until: "\r\n\r\n") ?? ""]
                    try await output.write(ByteBuffer(string: Self.loginSuccess))
                    let busy = "1768208500.20"
                    try await output.write(ByteBuffer(string:
                        Self.event("Newchannel", time: "1768208500.000000", Self.channel(busy, linked: busy, caller: "07700900302"))
                        + Self.event("Hangup", time: "1768208510.000000",
                            Self.channel(busy, linked: busy, caller: "07700900302") + [("Cause", "17"), ("Cause-txt", "User busy")])))
                    actions.append(try await input.read(until: "\r\n\r\n") ?? "")
                    try await output.write(ByteBuffer(string: Self.block([
                        ("Response", "Goodbye"), ("ActionID", "callwarden-logoff"), ("Message", "Thanks for all the fish."),
                    ])))
                    return actions
                }
            }
            _ = try await harness.waitForEvents(7)
            return session
        }
        let actions = try await secondSession.value ?? []
        #expect(actions.first?.contains("Action: Login") == true)
        #expect(actions.last?.contains("Action: Logoff") == true)

        let events = try harness.storedEvents()
        let answered = events.filter { $0.callID == call }.sorted { $0.time < $1.time }
        #expect(answered.map(\.phase) == [.started, .ringing, .answered, .ended, .ended])
        #expect(answered.allSatisfy { $0.source == .asteriskCSV && $0.caller.number?.description == "+447700900301" })
        // The Cdr event, decoded as the CSV line cdr_csv writes, carries the talk time.
        #expect(answered.contains { $0.talkTime == .seconds(60) && $0.duration == .seconds(65) && $0.disposition == .answered })
        let busy = events.filter { $0.callID == "1768208500.20" }
        #expect(busy.map(\.phase) == [.started, .failed])
        #expect(busy.last?.disposition == .busy)
        #expect(events.count == 7)
        #expect(client.queue.counters.snapshot.reconnects >= 1)
        // At least the two sessions (a connect racing the first server's close may add one).
        #expect(client.queue.counters.snapshot.connectionsOpened >= 2)
    }
}
