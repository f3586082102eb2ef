import CallModel
import PacketDecoding
import PacketTestSupport
import Testing

/// One UDP SIP datagram behind every supported link-layer header.
@Suite("link layers")
struct LinkLayerTests {
    static let message = SIPMessages.request(callID: "link-1@example.test")
    static let ipv4Packet = FrameBuilder.ipv4(FrameBuilder.udp(40000, 5060, message))
    static let ipv6Packet = FrameBuilder.ipv6(nextHeader: 17, FrameBuilder.udp(40000, 5060, message))

    static let cases: [(name: String, linkType: LinkType, frame: [UInt8], source: String)] = [
        ("ethernet", .ethernet, FrameBuilder.ethernet(ipv4Packet), "192.0.2.10:40000"),
        ("ethernet ipv6", .ethernet, FrameBuilder.ethernet(etherType: 0x86dd, ipv6Packet), "[2001:db8::10]:40000"),
        ("802.1Q", .ethernet, FrameBuilder.ethernet(vlanTags: [100], ipv4Packet), "192.0.2.10:40000"),
        ("QinQ 802.1ad", .ethernet, FrameBuilder.ethernet(vlanTags: [10, 200], ipv4Packet), "192.0.2.10:40000"),
        ("0x9100 tag", .ethernet, FrameBuilder.ethernet(vlanTags: [7], tagType: 0x9100, ipv4Packet), "192.0.2.10:40000"),
        ("linux SLL", .linuxSLL, FrameBuilder.sll(ipv4Packet), "192.0.2.10:40000"),
        ("linux SLL ipv6", .linuxSLL, FrameBuilder.sll(protocol: 0x86dd, ipv6Packet), "[2001:db8::10]:40000"),
        ("linux SLL2", .linuxSLL2, FrameBuilder.sll2(ipv4Packet), "192.0.2.10:40000"),
        ("raw (LINKTYPE 101)", .raw, ipv4Packet, "192.0.2.10:40000"),
        ("raw (DLT 12) ipv6", .rawDLT, ipv6Packet, "[2001:db8::10]:40000"),
        ("LINKTYPE_IPV4", .ipv4, ipv4Packet, "192.0.2.10:40000"),
        ("LINKTYPE_IPV6", .ipv6, ipv6Packet, "[2001:db8::10]:40000"),
        ("null little-endian", .null, FrameBuilder.null(family: 2, bigEndian: false, ipv4Packet), "192.0.2.10:40000"),
        ("null big-endian", .null, FrameBuilder.null(family: 2, bigEndian: true, ipv4Packet), "192.0.2.10:40000"),
        ("null ipv6 (30)", .null, FrameBuilder.null(family: 30, bigEndian: false, ipv6Packet), "[2001:db8::10]:40000"),
        ("loop", .loop, FrameBuilder.null(family: 2, bigEndian: true, ipv4Packet), "192.0.2.10:40000"),
        ("loop ipv6 (24)", .loop, FrameBuilder.null(family: 24, bigEndian: true, ipv6Packet), "[2001:db8::10]:40000"),
    ]

    @Test("a UDP SIP datagram is found", arguments: cases)
    func udpSIPIsFound(name: String, linkType: LinkType, frame: [UInt8], source: String) {
        var harness = DecoderHarness()
        let payloads = harness.feed(frame, linkType: linkType)
        #expect(payloads.count == 1, "\(name): \(harness.counters.nonZeroDrops)")
        #expect(payloads.first?.bytes == Self.message)
        #expect(payloads.first?.source.description == source)
        #expect(payloads.first?.destination.port == 5060)
        #expect(payloads.first?.transport == .udp)
        #expect(payloads.first?.origin == .frame(number: 1))
    }

    @Test("a recycled payload array is refilled: the next datagram's bytes exactly, shorter or longer, shared or not")
    func recycledPayloadBytesAreReplaced() {
        var harness = DecoderHarness()
        let long = SIPMessages.request(callID: "long@example.test", body: SIPMessages.body(size: 900))
        let short = SIPMessages.request("BYE", callID: "s@example.test")
        var kept: [[UInt8]] = []
        for (message, shareIt) in [(long, false), (short, false), (long, true), (short, false), (long, false)] {
            let payloads = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(40000, 5060, message))))
            #expect(payloads.count == 1)
            guard let payload = payloads.first else { continue }
            #expect(payload.bytes == message)
            // A consumer that still holds the bytes it handed back keeps them as they were.
            if shareIt { kept.append(payload.bytes) }
            harness.decoder.recycle(payload.bytes)
        }
        #expect(kept == [long])
    }

    @Test("a frame cut inside its link header is a counted drop", arguments: cases)
    func truncatedHeaderIsCounted(name: String, linkType: LinkType, frame: [UInt8], source: String) {
        var harness = DecoderHarness()
        for length in 0..<frame.count {
            #expect(harness.feed(Array(frame[0..<length]), linkType: linkType).isEmpty, "\(name) cut at \(length)")
        }
        #expect(harness.counters.frames == UInt64(frame.count))
        #expect(harness.counters.totalDropped == UInt64(frame.count), "\(name): every cut frame counted once")
    }

    @Test("ARP, unknown link types and too many VLAN tags are counted by reason")
    func nonIPIsCounted() {
        var harness = DecoderHarness()
        _ = harness.feed(FrameBuilder.ethernet(etherType: 0x0806, [UInt8](repeating: 0, count: 28)))
        _ = harness.feed(Self.ipv4Packet, linkType: LinkType(rawValue: 105))
        _ = harness.feed(FrameBuilder.ethernet(vlanTags: [1, 2, 3, 4, 5], Self.ipv4Packet))
        _ = harness.feed(FrameBuilder.null(family: 7, bigEndian: false, Self.ipv4Packet), linkType: .null)
        #expect(harness.counters[.notIP] == 2)
        #expect(harness.counters[.linkTypeUnsupported] == 1)
        #expect(harness.counters[.vlanTooDeep] == 1)
    }

    @Test("IP addresses print as tshark prints them")
    func addressText() {
        #expect(IPAddress.v4(0xc000_020a).description == "192.0.2.10")
        #expect(IPAddress.v6(high: 0x2001_0db8_0000_0000, low: 1).description == "2001:db8::1")
        #expect(IPAddress.v6(high: 0xfe80_0000_0000_0000, low: 0x021a_a0ff_fe07_32e0).description == "fe80::21a:a0ff:fe07:32e0")
        #expect(IPAddress.v6(high: 0, low: 1).description == "::1")
        #expect(IPAddress.v6(high: 0x2001_0db8_0000_0001, low: 0x0000_0000_0000_0001).description == "2001:db8:0:1::1")
        #expect(IPAddress.v6(high: 0x2001_0db8_0001_0001, low: 0x0001_0001_0001_0001).description == "2001:db8:1:1:1:1:1:1")
    }
}
