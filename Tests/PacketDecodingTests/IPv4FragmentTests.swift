import CallModel
import PacketDecoding
import PacketTestSupport
import Testing

/// IPv4 fragment reassembly: order, duplicates, overlaps, bounds and timeouts.
@Suite("IPv4 fragment reassembly")
struct IPv4FragmentTests {
    static let message = SIPMessages.request(callID: "frag-1@example.test", body: SIPMessages.body(size: 2_400))
    static let datagram = FrameBuilder.udp(40000, 5060, message)

    static func fragments(identification: UInt16 = 7, source: String = "192.0.2.10") -> [[UInt8]] {
        FrameBuilder.ipv4Fragments(source: source, identification: identification, payload: datagram, fragmentSize: 1_000)
            .map { FrameBuilder.ethernet($0) }
    }

    @Test("fragments in order and in any other order give the one message", arguments: [
        [0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1],
    ])
    func anyOrder(order: [Int]) {
        var harness = DecoderHarness()
        let pieces = Self.fragments()
        let payloads = harness.feed(order.map { pieces[$0] })
        #expect(payloads.count == 1)
        #expect(payloads.first?.bytes == Self.message)
        #expect(payloads.first?.origin == .frame(number: 3), "the frame that completed the datagram")
        #expect(harness.counters.datagramsReassembled == 1)
        #expect(harness.counters.fragmentsReceived == 3)
        #expect(harness.decoder.fragmentedDatagramsInFlight == 0)
    }

    @Test("an exact duplicate fragment is ignored")
    func duplicateIgnored() {
        var harness = DecoderHarness()
        let pieces = Self.fragments()
        let payloads = harness.feed([pieces[0], pieces[1], pieces[1], pieces[2]])
        #expect(payloads.count == 1)
        #expect(harness.counters.malformedOrOverBound == 0)
    }

    @Test("an overlapping fragment with other bytes discards the datagram")
    func overlapDiscards() {
        var harness = DecoderHarness()
        let pieces = Self.fragments()
        var rogue = Array(Self.datagram[8..<1_008])
        rogue[0] ^= 0xff
        let overlapping = FrameBuilder.ethernet(
            FrameBuilder.ipv4(identification: 7, fragmentOffset: 8, moreFragments: true, rogue))
        let payloads = harness.feed([pieces[0], overlapping, pieces[1], pieces[2]])
        #expect(payloads.isEmpty)
        #expect(harness.counters[.fragmentOverlap] == 1)
    }

    @Test("fragments that disagree on the end, or a short middle fragment, are inconsistent")
    func inconsistentEnds() {
        var harness = DecoderHarness()
        let pieces = Self.fragments()
        let earlyEnd = FrameBuilder.ethernet(
            FrameBuilder.ipv4(identification: 7, fragmentOffset: 1_000, moreFragments: false, Array(Self.datagram[1_000..<1_500])))
        _ = harness.feed([pieces[2], earlyEnd])
        let odd = FrameBuilder.ethernet(FrameBuilder.ipv4(identification: 9, fragmentOffset: 0, moreFragments: true, [UInt8](repeating: 1, count: 13)))
        _ = harness.feed(odd)
        #expect(harness.counters[.fragmentInconsistent] == 2)
    }

    @Test("a datagram over 65,535 bytes is dropped")
    func tooLarge() {
        var harness = DecoderHarness()
        let last = FrameBuilder.ethernet(
            FrameBuilder.ipv4(identification: 3, fragmentOffset: 65_528, moreFragments: false, [UInt8](repeating: 0, count: 16)))
        #expect(harness.feed(last).isEmpty)
        #expect(harness.counters[.fragmentTooLarge] == 1)
    }

    @Test("datagrams in flight are bounded by count")
    func tableBound() {
        var harness = DecoderHarness(configuration: .init(fragments: .init(maxDatagramsInFlight: 2)))
        let first = (0..<3).map { Self.fragments(identification: UInt16(100 + $0))[0] }
        _ = harness.feed(first)
        #expect(harness.counters[.fragmentTableFull] == 1)
        #expect(harness.decoder.fragmentedDatagramsInFlight == 2)
        // The held datagrams still complete.
        let rest = (0..<2).flatMap { Self.fragments(identification: UInt16(100 + $0))[1...] }
        #expect(harness.feed(Array(rest)).count == 2)
    }

    @Test("datagrams in flight are bounded by bytes")
    func byteBound() {
        var harness = DecoderHarness(configuration: .init(fragments: .init(maxBytesInFlight: 2_500)))
        let pieces = Self.fragments()
        _ = harness.feed([pieces[0], pieces[1]])
        _ = harness.feed(pieces[2])
        #expect(harness.counters[.fragmentBytesExceeded] == 1)
        #expect(harness.decoder.fragmentedDatagramsInFlight == 0)
    }

    @Test("an incomplete datagram times out on capture time")
    func timeout() {
        var harness = DecoderHarness(configuration: .init(fragments: .init(timeout: .seconds(30))))
        let pieces = Self.fragments()
        _ = harness.feed([pieces[0]])
        _ = harness.feed([FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [1])))], advance: .seconds(31))
        #expect(harness.counters[.fragmentTimeout] == 1)
        #expect(harness.decoder.fragmentedDatagramsInFlight == 0)
        #expect(harness.feed(Array(pieces[1...])).isEmpty, "the late rest cannot complete")
    }

    @Test("fragments of different sources with the same id do not mix")
    func keyedBySource() {
        var harness = DecoderHarness()
        let a = Self.fragments(source: "192.0.2.10")
        let b = Self.fragments(source: "192.0.2.11")
        let payloads = harness.feed([a[0], b[0], a[1], b[1], a[2], b[2]])
        #expect(payloads.map(\.source.description) == ["192.0.2.10:40000", "192.0.2.11:40000"])
        #expect(payloads.allSatisfy { $0.bytes == Self.message })
    }

    @Test("IPv4 options and Ethernet padding are handled")
    func optionsAndPadding() {
        var harness = DecoderHarness()
        let packet = FrameBuilder.ipv4(options: [1, 1, 1, 0], FrameBuilder.udp(40000, 5060, SIPMessages.request(callID: "opt@x")))
        let payloads = harness.feed(FrameBuilder.ethernet(packet) + [0, 0, 0, 0, 0, 0])
        #expect(payloads.first?.callID == "opt@x")
    }

    @Test("bad IPv4 headers are counted by reason")
    func badHeaders() {
        var harness = DecoderHarness()
        var shortIHL = FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [1]))
        shortIHL[0] = 0x44
        _ = harness.feed(FrameBuilder.ethernet(shortIHL))
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [1]), totalLength: 10)))
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [1]), totalLength: 4_000)))
        _ = harness.feed(FrameBuilder.ethernet(etherType: 0x0800, FrameBuilder.ipv6(FrameBuilder.udp(1, 2, [1]))))
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(protocol: 1, [8, 0, 0, 0])))
        #expect(harness.counters[.ipv4HeaderLengthInvalid] == 1)
        #expect(harness.counters[.ipv4TotalLengthInvalid] == 1)
        #expect(harness.counters[.ipv4Truncated] == 1)
        #expect(harness.counters[.ipVersionMismatch] == 1)
        #expect(harness.counters[.transportUnsupported] == 1)
    }
}
