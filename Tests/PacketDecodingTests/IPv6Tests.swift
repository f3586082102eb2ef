import CallModel
import PacketDecoding
import PacketTestSupport
import Testing

/// IPv6 extension headers and fragments.
@Suite("IPv6 extension headers and fragments")
struct IPv6Tests {
    static let message = SIPMessages.request(callID: "v6@example.test", body: SIPMessages.body(size: 3_000))
    static let datagram = FrameBuilder.udp(15060, 5062, message)

    @Test("hop-by-hop, routing and destination options are stepped over")
    func extensionChain() {
        var harness = DecoderHarness()
        let small = SIPMessages.request(callID: "chain@x")
        let headers = FrameBuilder.ipv6Extension(next: 43) + FrameBuilder.ipv6Extension(next: 60, units: 2)
            + FrameBuilder.ipv6Extension(next: 17)
        let packet = FrameBuilder.ipv6(nextHeader: 0, headers + FrameBuilder.udp(15060, 5062, small))
        let payloads = harness.feed(FrameBuilder.ethernet(etherType: 0x86dd, packet))
        #expect(payloads.first?.callID == "chain@x")
        #expect(payloads.first?.source.description == "[2001:db8::10]:15060")
    }

    @Test("fragments reassemble in and out of order", arguments: [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]])
    func fragments(order: [Int]) {
        var harness = DecoderHarness()
        let pieces = FrameBuilder.ipv6Fragments(payload: Self.datagram, fragmentSize: 1_000).map {
            FrameBuilder.sll(protocol: 0x86dd, $0)
        }
        #expect(pieces.count == 4)
        let payloads = harness.feed(order.map { pieces[$0] }, linkType: .linuxSLL)
        #expect(payloads.count == 1)
        #expect(payloads.first?.bytes == Self.message)
        #expect(payloads.first?.destination.description == "[2001:db8::20]:5062")
        #expect(harness.counters.datagramsReassembled == 1)
    }

    @Test("a destination-options header after the fragment header is walked after reassembly")
    func headerAfterFragment() {
        var harness = DecoderHarness()
        let inner = FrameBuilder.ipv6Extension(next: 17) + Self.datagram
        let pieces = FrameBuilder.ipv6Fragments(protocol: 60, payload: inner, fragmentSize: 1_600).map {
            FrameBuilder.ethernet(etherType: 0x86dd, $0)
        }
        #expect(harness.feed(pieces).first?.bytes == Self.message)
    }

    @Test("an atomic fragment is a whole datagram")
    func atomicFragment() {
        var harness = DecoderHarness()
        let headers = FrameBuilder.ipv6FragmentHeader(next: 17, offset: 0, more: false, identification: 9)
        let packet = FrameBuilder.ipv6(nextHeader: 44, headers + FrameBuilder.udp(1, 5060, SIPMessages.request(callID: "atomic@x")))
        #expect(harness.feed(FrameBuilder.ethernet(etherType: 0x86dd, packet)).first?.callID == "atomic@x")
    }

    @Test("broken chains are counted by reason")
    func brokenChains() {
        var harness = DecoderHarness()
        // An extension header claiming more bytes than the packet has.
        var long = FrameBuilder.ipv6Extension(next: 17)
        long[1] = 40
        _ = harness.feed(FrameBuilder.ethernet(etherType: 0x86dd, FrameBuilder.ipv6(nextHeader: 0, long)))
        // Nine chained headers.
        let chain = (0..<9).flatMap { _ in FrameBuilder.ipv6Extension(next: 60) }
        _ = harness.feed(FrameBuilder.ethernet(etherType: 0x86dd, FrameBuilder.ipv6(nextHeader: 60, chain)))
        // ESP.
        _ = harness.feed(FrameBuilder.ethernet(etherType: 0x86dd, FrameBuilder.ipv6(nextHeader: 50, [0, 0, 0, 1])))
        // Payload length past the end.
        _ = harness.feed(FrameBuilder.ethernet(etherType: 0x86dd, FrameBuilder.ipv6([1, 2], payloadLength: 900)))
        #expect(harness.counters[.ipv6ExtensionTruncated] == 1)
        #expect(harness.counters[.ipv6ExtensionChainTooLong] == 1)
        #expect(harness.counters[.transportUnsupported] == 1)
        #expect(harness.counters[.ipv6Truncated] == 1)
    }
}
