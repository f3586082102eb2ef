import CDRParsing
import CallModel
import EventStreams
import ListenerGuards
import ListenerTestSupport
import NIOCore
import Testing

/// Hostile senders on real sockets (issue 14): a sender that floods bad lines and never reads its
/// answers, and a crowd of slow connections from one host before `AUTH`. Other senders are served
/// throughout; the listener's own counters and queue show memory stayed bounded. No timing is
/// asserted: the deadlines are short so that the tests end soon, and every wait is for a state.
@Suite(.timeLimit(.minutes(3)))
struct PushHostileClientTests {
    @Test func aFloodOfBadLinesFromAClientThatNeverReadsIsStoppedAndOthersAreServed() async throws {
        let harness = try StreamHarness("hostile-flood")
        let listener = PushListener(
            configuration: PushListenerConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 0), format: .jsonLines),
            decoderConfiguration: StreamHarness.decoderConfiguration, logger: StreamHarness.quietLogger)
        let floodBytes = 60 << 20
        let written = SharedCount()
        let residentBefore = residentBytes()
        let peakResident = SharedCount()
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let port = try #require(try await listener.localAddress.get().port)
            async let flood: Void = HostileThreads.run(1) { _ in
                guard let socket = try? HostileSocket(port: port, from: "127.0.0.2") else { return }
                let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536).enumerated().map { $0.offset % 2 == 1 ? UInt8(ascii: "\n") : $0.element }
                while written.current < floodBytes {
                    guard socket.write(chunk) else { return }
                    written.add(chunk.count)
                    peakResident.raise(to: residentBytes())
                }
            }
            // Served while the flood runs: wait until the flooder's bad lines are being answered.
            while listener.queue.counters.snapshot.malformedRecords == 0 { try await Task.sleep(for: .milliseconds(5)) }
            let answers = try await PushClient.connect(to: try await listener.localAddress.get()) { session in
                try await session.send(lines: (1...50).map { Fixtures.jsonLine($0) })
                return try await session.readUntilAcknowledged(50)
            }
            #expect(answers.last == "OK 50")
            await flood
        }
        #expect(listener.connectionGuard.counters.closeCount(.slowReader) == 1)
        #expect(written.current < floodBytes, "the flooder was cut off before its 60 MB")
        #expect(try harness.storedEvents().count == 50)
        #expect(listener.openConnections == 0)
        // Bounded: what the listener buffers for a connection is its water mark (256 KiB); the
        // whole process grew by far less than the 5 GB the issue measured before.
        let growth = max(peakResident.current, residentBytes()) - residentBefore
        #expect(growth < 512 << 20, "resident memory grew by \(growth >> 20) MiB")
    }

    @Test func seventySlowConnectionsFromOneHostBeforeAuthLeaveRoomForOthersAndAreClosed() async throws {
        let harness = try StreamHarness("hostile-slow-auth")
        let listener = PushListener(
            configuration: PushListenerConfiguration(
                endpoint: .tcp(host: "127.0.0.1", port: 0), format: .jsonLines, secret: Secret("s3cret-push"),
                maximumConnections: 64, maximumConnectionsPerSource: 16, authTimeout: .seconds(30)),
            decoderConfiguration: StreamHarness.decoderConfiguration, logger: StreamHarness.quietLogger)
        let closedByServer = SharedCount()
        let heldWhileServed = SharedCount()
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let address = try await listener.localAddress.get()
            let port = try #require(address.port)
            let counters = listener.connectionGuard.counters
            async let attack: Void = HostileThreads.run(70) { _ in
                guard let socket = try? HostileSocket(port: port, from: "127.0.0.2") else { return }
                // One byte a second of an AUTH line that never ends, until the listener hangs up.
                // (Longer than the 30 s AUTH deadline at one byte a second, however slow the machine.)
                for byte in Array(("AUTH s3cret-push-but-never-finished" + String(repeating: "-", count: 60)).utf8) {
                    guard socket.write([byte]) else {  // reset by the listener: closed too
                        closedByServer.add()
                        return
                    }
                    if socket.isClosedByPeer(waitingMilliseconds: 1_000) {
                        closedByServer.add()
                        return
                    }
                }
            }
            while counters.refusalCount(.perSource) < 54 || listener.connectionGuard.slots.openCount(from: "127.0.0.2") < 16 {
                try await Task.sleep(for: .milliseconds(5))
            }
            // The attack holds its 16 slots; a sender from another address is served meanwhile.
            let answers = try await PushClient.connect(to: address) { session in
                try await session.send(lines: ["AUTH s3cret-push"] + (2...21).map { Fixtures.jsonLine($0) })
                let first = try await session.readUntilAcknowledged(1)
                // Served while the attack still holds its slots (their AUTH deadline is 30 s away).
                heldWhileServed.add(listener.connectionGuard.slots.openCount(from: "127.0.0.2"))
                let rest = try await session.readUntilAcknowledged(21)
                return first + rest
            }
            #expect(answers.first == "OK 1")
            #expect(answers.last == "OK 21")
            #expect(heldWhileServed.current == 16)
            await attack
        }
        let counters = listener.connectionGuard.counters
        #expect(counters.refusalCount(.perSource) == 54)
        #expect(counters.closeCount(.authDeadline) == 16)
        #expect(closedByServer.current == 70)
        #expect(try harness.storedEvents().count == 20)
    }

    @Test func aLineThatNeverEndsIsClosedAtTheLineDeadline() async throws {
        let harness = try StreamHarness("hostile-slow-line")
        let listener = PushListener(
            configuration: PushListenerConfiguration(
                endpoint: .tcp(host: "127.0.0.1", port: 0), format: .jsonLines, lineTimeout: .seconds(1)),
            decoderConfiguration: StreamHarness.decoderConfiguration, logger: StreamHarness.quietLogger)
        let closed = SharedCount()
        try await harness.run(services: [listener], sources: [listener.queue]) {
            let port = try #require(try await listener.localAddress.get().port)
            await HostileThreads.run(1) { _ in
                guard let socket = try? HostileSocket(port: port) else { return }
                socket.write(Fixtures.jsonLine(1) + "\n")
                for byte in Array(#"{"time":1768208402,"call_id":"never-ends-and-never-ends-and-never-ends""#.utf8) {
                    guard socket.write([byte]) else { closed.add(); break }  // a failed write: the listener closed it
                    if socket.isClosedByPeer(waitingMilliseconds: 400) {
                        closed.add()
                        break
                    }
                }
            }
            // The committed line's OK may still be on its way when the deadline closes: wait for the store.
            while try harness.storedEvents().isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(closed.current == 1)
        #expect(listener.connectionGuard.counters.closeCount(.lineDeadline) == 1)
        #expect(try harness.storedEvents().map(\.callID) == ["push-1"])
    }
}
