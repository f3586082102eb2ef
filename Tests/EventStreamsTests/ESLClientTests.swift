import CallModel
import EventStreams
import Ingest
import SystemClock
import Foundation
import NIOCore
import Testing

/// The event-socket client against a scripted FreeSWITCH that speaks ESL's framing byte for byte
/// (FreeSWITCH is not packaged in Debian), including a restart.
@Suite(.timeLimit(.minutes(2)))
struct ESLClientTests {
    /// One `text/event-plain` message: Content-Length framed, values URL-encoded as FreeSWITCH does.
    static func event(_ fields: [(String, String)]) -> String {
        let body = fields.map { "\($0.0): \($0.1)\n" }.joined() + "\n"
        return "Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n" + body
    }

    static func channel(_ name: String, uuid: String, direction: String = "inbound", time: String, extra: [(String, String)] = []) -> String {
        event([
            ("Event-Name", name), ("Core-UUID", "2e1f0c5a-0000-4000-8000-000000000001"),
            ("Event-Date-Local", "2026-01-12%2009%3A00%3A00"), ("Event-Date-Timestamp", time),
            ("Unique-ID", uuid), ("Call-Direction", direction),
            ("Caller-Caller-ID-Name", "Jane%20Caller"), ("Caller-Caller-ID-Number", "07700900401"),
            ("Caller-Destination-Number", "1002"),
            ("variable_sip_P-Asserted-Identity", "%3Csip%3A%2B447700900499%40carrier.example%3E"),
        ] + extra)
    }

    static let reply = "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
    static let subscribed = "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"

    /// The handshake: auth request, `auth`, `event plain ...`; returns the two commands.
    static func handshake(_ input: inout ByteStream, _ output: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> [String] {
        try await output.write(ByteBuffer(string: "Content-Type: auth/request\n\n"))
        let auth = try await input.read(until: "\n\n") ?? ""
        try await output.write(ByteBuffer(string: reply))
        let subscription = try await input.read(until: "\n\n") ?? ""
        try await output.write(ByteBuffer(string: subscribed))
        return [auth, subscription]
    }

    @Test func followsChannelsAcrossARestartAndSaysGoodbye() async throws {
        let harness = try StreamHarness("esl")
        let first = try await ScriptedServer.listenBelowEphemeralRange()
        let port = first.port
        let client = ESLClient(
            configuration: ClientConfiguration(
                host: "127.0.0.1", port: port, initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100)),
            password: "ClueCon", decoderConfiguration: StreamHarness.decoderConfiguration, clock: .system,
            logger: StreamHarness.quietLogger)
        let call = "7f4de4bc-4a8f-4b8e-9c1d-3f2a1b0c9d01"
        let secondSession = try await harness.run(services: [client], sources: [client.queue]) {
            let commands = try await first.serveOne { input, output in
                let commands = try await Self.handshake(&input, output)
                var script = Self.channel("CHANNEL_CREATE", uuid: call, time: "1768208400250000")
                script += Self.channel("CHANNEL_CREATE", uuid: "b-leg-0001", direction: "outbound", time: "1768208400300000")
                script += Self.channel("CHANNEL_ANSWER", uuid: call, time: "1768208405000000")
                script += Self.channel("CHANNEL_HANGUP_COMPLETE", uuid: call, time: "1768208465000000", extra: [
                    ("Hangup-Cause", "NORMAL_CLEARING"), ("Caller-Channel-Created-Time", "1768208400250000"),
                    ("Caller-Channel-Answered-Time", "1768208405000000"), ("Caller-Channel-Hangup-Time", "1768208465000000"),
                ])
                try await output.write(ByteBuffer(string: script))
                return commands
            }
            #expect(commands == ["auth ClueCon", "event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE"])
            _ = try await harness.waitForEvents(3)

            let second = try await ScriptedServer.listenAgain(port: port)
            let session = Task {
                try await second.serveOne { input, output -> String in
                    _ = try await Self.handshake(&input, output)
                    try await output.write(ByteBuffer(string:
                        Self.channel("CHANNEL_CREATE", uuid: "7f4de4bc-0000-4000-8000-000000000002", time: "1768208500000000")))
                    let exit = try await input.read(until: "\n\n") ?? ""
                    let notice = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
                    try await output.write(ByteBuffer(string: "Content-Type: command/reply\nReply-Text: +OK bye\n\n"
                        + "Content-Type: text/disconnect-notice\nContent-Length: \(notice.utf8.count)\n\n" + notice))
                    return exit
                }
            }
            _ = try await harness.waitForEvents(4)
            return session
        }
        #expect(try await secondSession.value == "exit")

        let events = try harness.storedEvents()
        #expect(events.count == 4)
        let calls = events.filter { $0.callID == call }.sorted { $0.time < $1.time }
        #expect(calls.map(\.phase) == [.started, .answered, .ended])
        #expect(calls.allSatisfy { $0.source == .freeswitchCSV })
        #expect(calls.first?.caller.displayName == "Jane Caller")
        #expect(calls.first?.caller.assertedIdentity?.description == "+447700900499")
        #expect(calls.last?.disposition == .answered)
        #expect(calls.last?.talkTime == .seconds(60))
        #expect(calls.last?.duration == TimeSpan(microseconds: 64_750_000))
        // At least the two sessions (a connect racing the first server's close may add one).
        #expect(client.queue.counters.snapshot.connectionsOpened >= 2)
    }
}
