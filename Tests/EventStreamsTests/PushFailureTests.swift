import CallModel
import EventStreams
import Foundation
import MetricsExposition
import NIOCore
import Testing

/// Senders that misbehave: garbage, a 10 MB line, a stall, a disconnect in the middle of a record.
/// The listener stays up and every good event is stored once.
@Suite(.timeLimit(.minutes(2)))
struct PushFailureTests {
    @Test func garbageGetsErrorLinesAndTheGoodLinesAroundItAreStored() async throws {
        let harness = try StreamHarness("garbage")
        let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0))
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            let answers = try await PushClient.connect(to: address) { session in
                try await session.send(lines: [
                    Fixtures.jsonLine(1),
                    "\u{01}\u{02} not json at all",
                    Fixtures.jsonLine(3),
                    #"{"time":1768208400,"call_id":"x","phase":"dancing","caller":"1","callee":"2"}"#,
                    "",
                    Fixtures.jsonLine(6),
                ])
                session.finish()
                return try await session.input.readLinesUntilEnd()
            }
            #expect(answers.contains("ERR 2 bad-json (byte 0)"))
            #expect(answers.contains { $0.hasPrefix("ERR 4 unknown-phase") })
            #expect(answers.filter { $0.hasPrefix("ERR") }.count == 2)
            #expect(answers.last == "OK 6")
        }
        #expect(try harness.storedEvents().map(\.callID) == ["push-1", "push-3", "push-6"])
        #expect(listener.queue.counters.snapshot.malformedRecords == 2)
        // The same counts as /metrics shows them, labelled with the listener's name.
        var collector = MetricsCollector()
        listener.collectMetrics(into: &collector)
        let stream: KeyValuePairs<String, String> = ["stream": listener.queue.name]
        #expect(collector.family("callwarden_stream_malformed_records_total")?.value(stream) == 2)
        #expect(collector.family("callwarden_stream_events_committed_total")?.value(stream) == 3)
        #expect(collector.family("callwarden_stream_unsettled_events")?.value(stream) == 0)
    }

    @Test func aTenMegabyteLineIsRejectedAndTheConnectionGoesOn() async throws {
        let harness = try StreamHarness("long-line")
        let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0))
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            let answers = try await PushClient.connect(to: address) { session in
                try await session.send(lines: [Fixtures.jsonLine(1)])
                let chunk = String(repeating: "x", count: 1 << 20)
                for _ in 0..<10 { try await session.send(chunk) }
                try await session.send("\n" + Fixtures.jsonLine(3) + "\n")
                session.finish()
                return try await session.input.readLinesUntilEnd()
            }
            #expect(answers.contains("ERR 2 line-too-long"))
            #expect(answers.last == "OK 3")
        }
        #expect(try harness.storedEvents().map(\.callID) == ["push-1", "push-3"])
        #expect(listener.queue.counters.snapshot.overlongLines == 1)
    }

    @Test func aStalledConnectionIsClosedAfterTheIdleTimeout() async throws {
        let harness = try StreamHarness("stall")
        // 10 s: the timer runs from the connection's start, and a full parallel run can keep this
        // test's client off the cooperative pool for seconds before it sends its first line.
        let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0), idleTimeout: .seconds(10))
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            let answers = try await PushClient.connect(to: address) { session in
                try await session.send(lines: [Fixtures.jsonLine(1)])
                try await session.send(#"{"time":1768208402,"call_id":"half"#)
                // Send nothing more and do not close: the listener ends it.
                return try await session.input.readLinesUntilEnd()
            }
            #expect(answers == ["OK 1", "ERR 2 idle-timeout"])
        }
        #expect(try harness.storedEvents().map(\.callID) == ["push-1"])
        let counters = listener.queue.counters.snapshot
        #expect(counters.idleTimeouts == 1)
        #expect(counters.partialRecordsDropped == 1)
    }

    @Test func aDisconnectMidRecordLosesOnlyThePartialRecord() async throws {
        let harness = try StreamHarness("mid-record")
        let listener = PushListenerTests.listener(.tcp(host: "127.0.0.1", port: 0))
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: [Fixtures.jsonLine(1), Fixtures.jsonLine(2)])
                _ = try await session.readUntilAcknowledged(2)
                let third = Fixtures.jsonLine(3)
                try await session.send(String(third.prefix(third.count / 2)))
                // executeThenClose closes the whole connection here, in the middle of line 3.
            }
            // The daemon is still up; a new connection resends line 3 whole.
            try await PushClient.connect(to: address) { session in
                try await session.send(lines: [Fixtures.jsonLine(3)])
                let answers = try await session.readUntilAcknowledged(1)
                #expect(answers == ["OK 1"])
            }
        }
        #expect(try harness.storedEvents().map(\.callID) == ["push-1", "push-2", "push-3"])
        #expect(listener.queue.counters.snapshot.partialRecordsDropped == 1)
    }
}
