import BoundedQueues
import CallModel
import ListenerGuards
import ListenerTestSupport
import PacketCapture
import PacketDecoding
import PacketTestSupport
import Testing

/// HEP senders that do not play by the rules (issues 10 and 14): one host taking every TCP slot,
/// a packet trickled without end, a TCP sender with a wrong key; and every payload carries the
/// address its packet really came from, whatever the packet says inside.
@Suite("HEP hostile senders and real source addresses", .serialized)
struct HEPHostileClientTests {
    @Test("one host cannot take every HEP TCP slot; another host is served")
    func perSourceLimit() async throws {
        let listener = try HEPStreamListener(
            configuration: .init(host: "127.0.0.1", port: 0, maximumConnectionsPerSource: 2))
        try listener.start()
        defer { listener.stop() }
        let port = Int(listener.port)
        let held = try (0..<2).map { _ in try HostileSocket(port: port, from: "127.0.0.2") }
        let refused = try HostileSocket(port: port, from: "127.0.0.2")
        #expect(refused.isClosedByPeer(waitingMilliseconds: 10_000))
        let good = try HostileSocket(port: port, from: "127.0.0.1")
        let message = SIPMessages.request(callID: "hep-slots@example.test")
        #expect(good.write(HEPBuilder.sipVersion3(payload: message)))
        let payload = await listener.payloads.pop(waitingUpTo: .seconds(60))
        #expect(payload?.bytes == message)
        #expect(listener.guardCounters.refusalCount(.perSource) == 1)
        #expect(listener.refusedConnections == 1)
        if case .hep(let origin) = payload?.origin {
            #expect(origin.sender == .v4(0x7F00_0001), "the connection's real peer, not 192.0.2.10 written inside")
        } else {
            Issue.record("not a HEP origin")
        }
        withExtendedLifetime(held) {}
    }

    @Test("a packet trickled without end closes its connection at the packet deadline")
    func packetDeadline() async throws {
        let listener = try HEPStreamListener(
            configuration: .init(host: "127.0.0.1", port: 0, packetTimeout: .milliseconds(300)))
        try listener.start()
        defer { listener.stop() }
        let packet = HEPBuilder.sipVersion3(payload: SIPMessages.request(callID: "hep-slow@example.test"))
        let socket = try HostileSocket(port: Int(listener.port), from: "127.0.0.2")
        var closed = false
        for byte in packet where !closed {
            guard socket.write([byte]) else { closed = true; break }  // a failed write: the listener closed it
            closed = socket.isClosedByPeer(waitingMilliseconds: 200)
        }
        #expect(closed)
        #expect(listener.guardCounters.closeCount(.lineDeadline) == 1)
        #expect(listener.payloadsTaken == 0)
    }

    @Test("a TCP sender with a wrong auth key is closed and counted")
    func wrongKeyCloses() async throws {
        let listener = try HEPStreamListener(
            configuration: .init(host: "127.0.0.1", port: 0, authKey: Secret("hep-key-0123")))
        try listener.start()
        defer { listener.stop() }
        let socket = try HostileSocket(port: Int(listener.port))
        let message = SIPMessages.request(callID: "hep-wrong-key@example.test")
        socket.write(HEPBuilder.sipVersion3(authKey: "not-the-key", payload: message))
        #expect(socket.isClosedByPeer(waitingMilliseconds: 10_000))
        #expect(listener.guardCounters.closeCount(.authFailed) == 1)
        #expect(listener.dropCount(.hepAuthKeyMismatch) == 1)
        let good = try HostileSocket(port: Int(listener.port))
        good.write(HEPBuilder.sipVersion3(authKey: "hep-key-0123", payload: message))
        #expect(await listener.payloads.pop(waitingUpTo: .seconds(60))?.bytes == message)
    }

    @Test("a UDP payload carries the datagram's real sender")
    func udpSender() async throws {
        let listener = try HEPListener(configuration: .init(host: "127.0.0.1", port: 0))
        try listener.start()
        defer { listener.stop() }
        let sender = LoopbackSender()
        let message = SIPMessages.request(callID: "hep-udp-sender@example.test")
        sender.send(HEPBuilder.sipVersion3(source: "198.51.100.7", payload: message), to: listener.port)
        let payload = await listener.payloads.pop(waitingUpTo: .seconds(60))
        guard case .hep(let origin) = payload?.origin else {
            Issue.record("no HEP payload")
            return
        }
        #expect(origin.sender == .v4(0x7F00_0001))
        #expect(payload?.source.address == .v4(0xC633_6407), "the address written inside stays the message's source")
    }
}
