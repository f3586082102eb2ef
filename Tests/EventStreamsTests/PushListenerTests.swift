import CDRParsing
import CallModel
import EventStreams
import Foundation
import ListenerGuards
import NIOCore
import Testing

/// JSON and CSV lines pushed over real TCP and Unix sockets into a real SQLite store: stored once,
/// acknowledged only after their commit.
@Suite(.timeLimit(.minutes(2)))
struct PushListenerTests {
    static func listener(_ endpoint: PushListenerConfiguration.Endpoint, format: CDRFormat = .jsonLines, secret: String? = nil,
                         idleTimeout: Duration = .seconds(60), window: Int = 4_096) -> PushListener {
        PushListener(
            configuration: PushListenerConfiguration(
                endpoint: endpoint, format: format, secret: secret.map { Secret($0) }, idleTimeout: idleTimeout, window: window),
            decoderConfiguration: StreamHarness.decoderConfiguration, logger: StreamHarness.quietLogger)
    }

    @Test func jsonLinesOverTCPAreAcknowledgedOnlyOnceCommitted() async throws {
        let harness = try StreamHarness("tcp-json")
        let listener = Self.listener(.tcp(host: "127.0.0.1", port: 0), secret: "s3cret-push")
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: ["AUTH s3cret-push"] + (1...3).map { Fixtures.jsonLine($0) })
                let auth = try await session.readLine()
                #expect(auth == "OK 1")
                let answers = try await session.readUntilAcknowledged(4)
                // At the moment the acknowledgement arrives, every acknowledged event is in the store.
                let stored = try harness.storedEvents().map(\.callID)
                #expect(stored == ["push-1", "push-2", "push-3"])
                #expect(answers.allSatisfy { $0.hasPrefix("OK ") })
                session.finish()
                let rest = try await session.input.readLinesUntilEnd()
                #expect(rest.allSatisfy { $0.hasPrefix("OK ") })
            }
        }
        let events = try harness.storedEvents()
        #expect(events.count == 3)
        #expect(events.allSatisfy { $0.source == .jsonLines && $0.caller.number != nil })
    }

    @Test func asteriskCSVLinesOverAUnixSocketAreStored() async throws {
        let harness = try StreamHarness("unix-csv")
        let path = harness.directory + "/push.sock"
        let listener = Self.listener(.unix(path: path), format: .asteriskCSV)
        try await harness.run(services: [listener], sources: [listener.queue]) {
            _ = try await listener.localAddress.get()
            let address = try SocketAddress(unixDomainSocketPath: path)
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: [Fixtures.asteriskLine(1), Fixtures.asteriskLine(2)])
                let answers = try await session.readUntilAcknowledged(2)
                #expect(answers.last == "OK 2")
            }
        }
        let events = try harness.storedEvents()
        #expect(events.map(\.callID) == ["1768208400.1", "1768208400.2"])
        #expect(events.allSatisfy { $0.source == .asteriskCSV && $0.phase == .ended })
    }

    @Test func aWrongSecretIsRefusedAndNothingIsStored() async throws {
        let harness = try StreamHarness("auth")
        let listener = Self.listener(.tcp(host: "127.0.0.1", port: 0), secret: "right-secret")
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            let answers = try await PushClient.connect(to: address) { session in
                try await session.send(lines: ["AUTH wrong-secret", Fixtures.jsonLine(1)])
                return try await session.input.readLinesUntilEnd()
            }
            #expect(answers == ["ERR 1 auth-failed"])
            let silent = try await PushClient.connect(to: address) { session in
                try await session.send(lines: [Fixtures.jsonLine(2)])
                return try await session.input.readLinesUntilEnd()
            }
            #expect(silent == ["ERR 1 auth-failed"])
        }
        #expect(try harness.storedEvents().isEmpty)
        #expect(listener.queue.counters.snapshot.connectionsRefused == 2)
    }

    @Test("a reload's new secret applies to the next connection; the old one is refused from then on")
    func aReplacedSecretAppliesToNewConnections() async throws {
        let harness = try StreamHarness("auth-reload")
        let listener = Self.listener(.tcp(host: "127.0.0.1", port: 0), secret: "old-secret")
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: ["AUTH old-secret", Fixtures.jsonLine(1)])
                #expect(try await session.readLine() == "OK 1")
                #expect(try await session.readUntilAcknowledged(2).allSatisfy { $0.hasPrefix("OK ") })
                session.finish()
                _ = try await session.input.readLinesUntilEnd()
            }
            #expect(listener.secret.publish(Secret("new-secret")))
            #expect(!listener.secret.publish(Secret("new-secret")), "an unchanged secret is not published again")
            let refused = try await PushClient.connect(to: address) { session in
                try await session.send(lines: ["AUTH old-secret", Fixtures.jsonLine(2)])
                return try await session.input.readLinesUntilEnd()
            }
            #expect(refused == ["ERR 1 auth-failed"])
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: ["AUTH new-secret", Fixtures.jsonLine(3)])
                #expect(try await session.readLine() == "OK 1")
                #expect(try await session.readUntilAcknowledged(2).allSatisfy { $0.hasPrefix("OK ") })
                session.finish()
                _ = try await session.input.readLinesUntilEnd()
            }
        }
        #expect(try harness.storedEvents().map(\.callID) == ["push-1", "push-3"])
    }
}
