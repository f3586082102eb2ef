import CallModel
import BoundedQueues
import ListenerGuards
import PacketCapture
import PacketDecoding
import PacketTestSupport
import Testing

/// The HEP listener on a real UDP socket on loopback.
@Suite("HEP listener", .serialized)
struct HEPListenerTests {
    static func collect(_ listener: HEPListener, expected: Int) async -> [SIPPayload] {
        var payloads: [SIPPayload] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while payloads.count < expected, clock.now < deadline {
            if let payload = await listener.payloads.pop(waitingUpTo: .milliseconds(200)) { payloads.append(payload) }
        }
        return payloads
    }

    /// Waits until the listener has counted `count` datagrams (it counts before it decodes).
    static func waitForDatagrams(_ listener: HEPListener, _ count: UInt64) async {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while listener.datagramsReceived < count, clock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        try? await Task.sleep(for: .milliseconds(20))
    }

    @Test("HEPv3 and HEPv2 datagrams become SIP payloads; malformed ones are counted by reason")
    func receivesAndCounts() async throws {
        let listener = try HEPListener(configuration: .init(host: "127.0.0.1", port: 0))
        #expect(listener.port != 0)
        try listener.start()
        let sender = LoopbackSender()
        let first = SIPMessages.request(callID: "hep-live-1@example.test")
        let second = SIPMessages.response(200, callID: "hep-live-1@example.test")
        sender.send(HEPBuilder.sipVersion3(correlationID: "hep-live-1@example.test", payload: first), to: listener.port)
        sender.send(HEPBuilder.version2(payload: second), to: listener.port)
        sender.send(Array(HEPBuilder.sipVersion3(payload: first).prefix(30)), to: listener.port)
        sender.send(HEPBuilder.version3([HEPBuilder.chunk(type: 15, first, length: 0)]), to: listener.port)
        sender.send(Array("HEP3garbage".utf8), to: listener.port)
        let payloads = await Self.collect(listener, expected: 2)
        await Self.waitForDatagrams(listener, 5)
        listener.stop()
        #expect(payloads.map(\.bytes) == [first, second])
        if case .hep(let origin) = payloads.first?.origin {
            #expect(origin.correlationID == "hep-live-1@example.test")
            #expect(origin.captureID == 2001)
            #expect(origin.frameNumber == nil)
        } else {
            Issue.record("not a HEP origin")
        }
        #expect(payloads.first?.timestamp == Timestamp(microsecondsSinceEpoch: 1_700_000_000_250_000))
        #expect(listener.datagramsReceived == 5)
        #expect(listener.dropCount(.hepLengthMismatch) == 2)
        #expect(listener.dropCount(.hepChunkLengthInvalid) == 1)
    }

    @Test("with an auth key, packets without it or with another are dropped and counted")
    func authKey() async throws {
        let listener = try HEPListener(configuration: .init(host: "127.0.0.1", port: 0, authKey: "s3cret"))
        try listener.start()
        let sender = LoopbackSender()
        let message = SIPMessages.request(callID: "hep-auth@example.test")
        sender.send(HEPBuilder.sipVersion3(authKey: "wrong", payload: message), to: listener.port)
        sender.send(HEPBuilder.sipVersion3(payload: message), to: listener.port)
        sender.send(HEPBuilder.version2(payload: message), to: listener.port)
        sender.send(HEPBuilder.sipVersion3(authKey: "s3cret", payload: message), to: listener.port)
        let payloads = await Self.collect(listener, expected: 1)
        await Self.waitForDatagrams(listener, 4)
        listener.stop()
        #expect(payloads.count == 1)
        #expect(listener.dropCount(.hepAuthKeyMismatch) == 3)
    }

    @Test("a reload's new auth key applies to the next packet; the old key is dropped from then on")
    func replacedAuthKey() async throws {
        let configuration = HEPListenerConfiguration(host: "127.0.0.1", port: 0, authKey: "old-key")
        let listener = try HEPListener(configuration: configuration)
        try listener.start()
        let sender = LoopbackSender()
        sender.send(HEPBuilder.sipVersion3(authKey: "old-key", payload: SIPMessages.request(callID: "before@example.test")), to: listener.port)
        let before = await Self.collect(listener, expected: 1)
        #expect(configuration.reloadableAuthKey.publish(Secret("new-key")))
        sender.send(HEPBuilder.sipVersion3(authKey: "old-key", payload: SIPMessages.request(callID: "stale@example.test")), to: listener.port)
        sender.send(HEPBuilder.sipVersion3(authKey: "new-key", payload: SIPMessages.request(callID: "after@example.test")), to: listener.port)
        let after = await Self.collect(listener, expected: 1)
        await Self.waitForDatagrams(listener, 3)
        listener.stop()
        #expect(before.count == 1 && after.count == 1)
        #expect(listener.dropCount(.hepAuthKeyMismatch) == 1)
    }

    @Test("IPv6 loopback binds; a bad address, or a TCP port in use, fails at init")
    func binding() throws {
        let listener = try HEPListener(configuration: .init(host: "::1", port: 0))
        #expect(listener.port != 0)
        #expect(throws: CaptureError.self) { try HEPListener(configuration: .init(host: "not-an-address", port: 0)) }
        let stream = try HEPStreamListener(configuration: .init(host: "127.0.0.1", port: 0))
        #expect(throws: CaptureError.self) { try HEPStreamListener(configuration: .init(host: "127.0.0.1", port: stream.port)) }
    }
}
