import BoundedQueues
import CallwardenPorts
import Ingest
import CallModel
import DecisionService
import Logging
import NIOCore
import ListenerTestSupport
import Testing

@Suite("FastAGI server (real TCP on loopback)")
struct FastAGIServerTests {
    /// Runs a FastAGI server on a free loopback port for the duration of `body`.
    private func withServer<Value: Sendable>(
        _ fixture: ScreeningFixture,
        // A generous idle timeout unless a test is about it: on a loaded CI machine the test's
        // client may answer a command seconds later, and the default 5 s would end the session.
        configuration: FastAGIConfiguration = FastAGIConfiguration(host: "127.0.0.1", port: 0, idleTimeout: .seconds(120), requestTimeout: .seconds(60)),
        _ body: @Sendable (AGITestClient) async throws -> Value
    ) async throws -> Value {
        var logger = Logger(label: "fastagi-test")
        logger.logLevel = .warning
        let (addresses, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = FastAGIServer(configuration: configuration, screener: fixture.screener, logger: logger) {
            continuation.yield($0.port ?? 0)
            continuation.finish()
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = addresses.makeAsyncIterator()
            let port = try #require(await iterator.next())
            defer { group.cancelAll() }
            return try await body(AGITestClient(port: port))
        }
    }

    @Test("a blocked caller gets ACTION block, an empty TARGET and the REASON, one reply at a time")
    func block() async throws {
        let fixture = ScreeningFixture()
        let transcript = try await withServer(fixture) { client in
            try await client.session(opening: AGITestClient.environment(callerID: "02079460123"))
        }
        #expect(
            transcript.commands == [
                #"SET VARIABLE CALLWARDEN_ACTION "block""#,
                #"SET VARIABLE CALLWARDEN_TARGET """#,
                #"SET VARIABLE CALLWARDEN_REASON "threatened reception, ticket 4711""#,
            ])
        #expect(transcript.closedByServer)
        #expect(fixture.metrics.agiSessionCount(.completed) == 1)
        let event = try #require(fixture.queue.drain(maxCount: 4).first)
        #expect(event.callID == "1705321822.42")
        #expect(event.callee.key == "1001")
        #expect(event.caller.number?.description == "+442079460123")
    }

    @Test("a redirected caller gets the target; quotes and backslashes in a reason are escaped")
    func redirectAndQuoting() async throws {
        let fixture = ScreeningFixture()
        let (redirect, flag) = try await withServer(fixture) { client in
            (
                try await client.session(opening: AGITestClient.environment(callerID: "+447700900111")),
                try await client.session(opening: AGITestClient.environment(callerID: "01134960555"))
            )
        }
        #expect(redirect.commands.first == #"SET VARIABLE CALLWARDEN_ACTION "redirect""#)
        #expect(redirect.commands.dropFirst().first == #"SET VARIABLE CALLWARDEN_TARGET "+442079460999""#)
        #expect(flag.commands.last == #"SET VARIABLE CALLWARDEN_REASON "trace \"quoted\" \\ back""#)
    }

    @Test("an unknown caller ID and a withheld presentation are handled as Asterisk means them")
    func unknownAndRestricted() async throws {
        let fixture = ScreeningFixture()
        let (unknown, withheld) = try await withServer(fixture) { client in
            (
                try await client.session(opening: AGITestClient.environment(callerID: "unknown")),
                // 0x21: presentation restricted, screened: still the number we block.
                try await client.session(opening: AGITestClient.environment(callerID: "02079460123", callingPres: 0x21))
            )
        }
        #expect(unknown.commands.first == #"SET VARIABLE CALLWARDEN_ACTION "redirect""#)
        #expect(withheld.commands.first == #"SET VARIABLE CALLWARDEN_ACTION "block""#)
        let events = fixture.queue.drain(maxCount: 4)
        #expect(events.last?.caller.presentationRestricted == true)
        #expect(events.last?.caller.assertedIdentity?.description == "+442079460123")
    }

    @Test("the dialplan's callid= argument (the linkedid) names the call; without it, agi_uniqueid")
    func callIDArgument() async throws {
        let fixture = ScreeningFixture()
        // The block without its closing empty line, then the dialplan's argument and the end.
        let opening = Array(AGITestClient.environment(callerID: "02079460777", uniqueID: "1705321822.43").dropLast())
            + Array("agi_arg_2: callid=1705321822.40\n\n".utf8)
        _ = try await withServer(fixture) { client in try await client.session(opening: opening) }
        #expect(fixture.queue.drain(maxCount: 4).map(\.callID) == ["1705321822.40"])
    }

    @Test("the catch-all extension s falls back to the dialled number")
    func dnidFallback() async throws {
        let fixture = ScreeningFixture()
        _ = try await withServer(fixture) { client in
            try await client.session(
                opening: AGITestClient.environment(callerID: "02079460777", dnid: "02079460999", extensionName: "s"))
        }
        #expect(fixture.queue.drain(maxCount: 4).first?.callee.key == "+442079460999")
    }

    @Test(
        "garbage is closed without a command and counted",
        arguments: [
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            "\n",
            "agi_network: yes\nnot a header\n\n",
            "AGI_CALLERID: 0207\n\n",
            "agi_network: yes\nagi_extension: s\nagi_dnid: unknown\n\n",
        ])
    func garbage(text: String) async throws {
        let fixture = ScreeningFixture()
        let transcript = try await withServer(fixture) { client in
            try await client.session(opening: Array(text.utf8))
        }
        #expect(transcript.commands.isEmpty)
        #expect(transcript.closedByServer)
        #expect(fixture.metrics.agiSessionCount(.garbage) == 1)
        #expect(fixture.metrics.badRequestCount(.agi) == 1)
        #expect(fixture.queue.drain(maxCount: 4).isEmpty)
    }

    @Test("a 10 KB line is refused before it is buffered whole, and counted")
    func longLine() async throws {
        let fixture = ScreeningFixture()
        let transcript = try await withServer(fixture) { client in
            try await client.session(opening: Array(("agi_callerid: " + String(repeating: "9", count: 10_240) + "\n\n").utf8))
        }
        #expect(transcript.commands.isEmpty)
        #expect(transcript.closedByServer)
        #expect(fixture.metrics.agiSessionCount(.lineTooLong) == 1)
    }

    @Test("more header lines than the limit are refused")
    func tooManyHeaders() async throws {
        let fixture = ScreeningFixture()
        // The generous idle timeout of the other tests: on a loaded machine the 5 s default could end
        // the session before its header lines are read, and it would not be counted as too many.
        let configuration = FastAGIConfiguration(
            host: "127.0.0.1", port: 0, maximumHeaderLines: 10, idleTimeout: .seconds(120), requestTimeout: .seconds(60))
        let transcript = try await withServer(fixture, configuration: configuration) { client in
            try await client.session(opening: AGITestClient.environment(callerID: "02079460123"))
        }
        #expect(transcript.commands.isEmpty)
        #expect(fixture.metrics.agiSessionCount(.tooManyHeaders) == 1)
    }

    @Test("a silent client is closed by the idle timeout")
    func idleTimeout() async throws {
        let fixture = ScreeningFixture()
        let configuration = FastAGIConfiguration(host: "127.0.0.1", port: 0, idleTimeout: .milliseconds(100))
        let transcript = try await withServer(fixture, configuration: configuration) { client in
            try await client.session(opening: Array("agi_network: yes\n".utf8))
        }
        #expect(transcript.closedByServer)
        #expect(fixture.metrics.agiSessionCount(.idleTimeout) == 1)
    }

    @Test("a refused command ends the session; a HANGUP notice in between is tolerated")
    func replies() async throws {
        let fixture = ScreeningFixture()
        let (refused, hungUp) = try await withServer(fixture) { client in
            (
                try await client.session(opening: AGITestClient.environment(callerID: "02079460123")) { _ in
                    "510 Invalid or unknown command"
                },
                try await client.session(opening: AGITestClient.environment(callerID: "02079460123")) { _ in
                    "HANGUP\n200 result=1"
                }
            )
        }
        #expect(refused.commands.count == 1)
        #expect(hungUp.commands.count == 3)
        #expect(fixture.metrics.agiSessionCount(.rejectedReply) == 1)
        #expect(fixture.metrics.agiSessionCount(.completed) == 1)
    }

    @Test("sessions over the limit are closed at once and counted; the open one is unaffected")
    func connectionLimit() async throws {
        let fixture = ScreeningFixture()
        // The held session must outlive the second connection even on a loaded machine; its idle
        // timeout is what finally closes it (the request deadline is longer here).
        let configuration = FastAGIConfiguration(
            host: "127.0.0.1", port: 0, idleTimeout: .seconds(5), maximumSessions: 1, requestTimeout: .seconds(60))
        let (held, refused) = try await withServer(fixture, configuration: configuration) { client in
            async let held = client.session(opening: Array("agi_network: yes\n".utf8))
            var rounds = 0
            while fixture.metrics.requestCount(.agi) < 1, rounds < 10_000 {
                rounds += 1
                try await Task.sleep(for: .milliseconds(1))
            }
            let refused = try await client.session(opening: AGITestClient.environment(callerID: "02079460123"))
            return (try await held, refused)
        }
        #expect(refused.commands.isEmpty)
        #expect(refused.closedByServer)
        #expect(held.closedByServer)
        #expect(fixture.metrics.agiSessionCount(.overConnectionLimit) == 1)
        #expect(fixture.metrics.agiSessionCount(.idleTimeout) == 1)
        #expect(fixture.queue.drain(maxCount: 4).isEmpty)
    }

    @Test("one host cannot take every session; a session trickled without end is closed at the request deadline")
    func hostileHost() async throws {
        let fixture = ScreeningFixture()
        let configuration = FastAGIConfiguration(
            host: "127.0.0.1", port: 0, idleTimeout: .seconds(30), maximumSessions: 8, maximumSessionsPerSource: 2,
            // 2 s: the served session's own request meets it on a loaded machine; the tricklers
            // never finish theirs.
            requestTimeout: .seconds(2))
        let closedByServer = SharedCount()
        let transcript = try await withServer(fixture, configuration: configuration) { client in
            async let slow: Void = HostileThreads.run(3) { _ in
                guard let socket = try? HostileSocket(port: client.port, from: "127.0.0.2") else { return }
                // An environment that never ends: the last variable's value grows a byte at a time.
                if socket.trickle("agi_network: yes\nagi_request: agi://pbx/screen\nagi_slow: ", pauseMilliseconds: 150) {
                    closedByServer.add()
                }
            }
            var rounds = 0
            while fixture.metrics.agiSessionCount(.overConnectionLimit) < 1, rounds < 60_000 {
                rounds += 1
                try await Task.sleep(for: .milliseconds(1))
            }
            let served = try await client.session(opening: AGITestClient.environment(callerID: "02079460123"))
            await slow
            return served
        }
        #expect(transcript.commands.count == 3)
        #expect(fixture.metrics.agiSessionCount(.overConnectionLimit) == 1)
        #expect(closedByServer.current == 3)
        #expect(fixture.queue.drain(maxCount: 4).count == 1)
    }
}
