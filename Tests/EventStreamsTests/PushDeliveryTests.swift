import CallModel
import EventStreams
import Foundation
import NIOCore
import SQLiteStore
import Testing

/// At-least-once delivery with idempotent storage: a sender resends what it never saw acknowledged
/// (after a dropped connection, after a daemon restart) and nothing is stored twice.
@Suite(.timeLimit(.minutes(2)))
struct PushDeliveryTests {
    @Test func resendingAfterADroppedConnectionCreatesNoDuplicates() async throws {
        let harness = try StreamHarness("resend")
        let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0))
        let lines = (1...5).map { Fixtures.jsonLine($0) }
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            // The first connection delivers three lines and drops before reading any answer.
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: Array(lines.prefix(3)))
            }
            // The sender saw no OK, so it resends everything, with the two new lines.
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: lines)
                let answers = try await session.readUntilAcknowledged(5)
                #expect(answers.last == "OK 5")
            }
        }
        let stored = try harness.storedEvents().map(\.callID)
        #expect(stored.sorted() == ["push-1", "push-2", "push-3", "push-4", "push-5"])
    }

    @Test func resendingAfterARestartCreatesNoDuplicates() async throws {
        let harness = try StreamHarness("restart")
        let lines = (1...4).map { Fixtures.jsonLine($0) } + [Fixtures.jsonLine(1, phase: "ended", callID: "push-1")]
        for round in 0..<2 {
            // A fresh listener and ingest loop each round, over the same database file.
            let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0))
            try await harness.run(services: [listener], sources: [listener.queue]) {
                let address = try await listener.localAddress.get()
                try await PushClient.connect(to: address) { session in
                    try await session.send(lines: round == 0 ? Array(lines.prefix(3)) : lines)
                    let answers = try await session.readUntilAcknowledged(round == 0 ? 3 : 5)
                    #expect(answers.last?.hasPrefix("OK ") == true)
                }
            }
        }
        let events = try harness.storedEvents()
        #expect(events.count == 5)
        #expect(Set(events.map { "\($0.callID)/\($0.phase.rawValue)" }).count == 5)
        #expect(try harness.store.pushedEventKeyCount() == 5)
    }

    @Test func aSenderIsHeldBackWhileItsEventsWaitForTheStore() async throws {
        let harness = try StreamHarness("backpressure")
        let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0), window: 8)
        let lines = (1...200).map { Fixtures.jsonLine($0) }
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: lines)
                let answers = try await session.readUntilAcknowledged(200)
                #expect(answers.last == "OK 200")
            }
        }
        #expect(try harness.storedEvents().count == 200)
        let counters = listener.queue.counters.snapshot
        // 200 events through a window of 8: reading had to stop and start again many times.
        #expect(counters.readPauses >= 200 / 8 - 1)
        #expect(counters.eventsCommitted == 200)
    }
}
