import CallModel
import PacketDecoding
import PacketTestSupport
import Testing

/// GRE/ERSPAN tunnels and SCTP DATA chunks.
@Suite("tunnels and SCTP")
struct TunnelAndSCTPTests {
    static let message = SIPMessages.request(callID: "tunnel@example.test")
    static let inner = FrameBuilder.ethernet(FrameBuilder.ipv4(source: "198.51.100.1", destination: "198.51.100.2", FrameBuilder.udp(5060, 5060, message)))

    static func outer(_ gre: [UInt8]) -> [UInt8] {
        FrameBuilder.ethernet(FrameBuilder.ipv4(protocol: 47, gre))
    }

    @Test("GRE transparent Ethernet, ERSPAN I/II/III and plain IPv4 in GRE give the inner message")
    func greVariants() {
        let erspanII = [UInt8](repeating: 0, count: 8)
        let erspanIII = [UInt8](repeating: 0, count: 11) + [1] + [UInt8](repeating: 0, count: 8)  // O bit: subheader
        let frames = [
            Self.outer(FrameBuilder.gre(protocolType: 0x6558, key: 0, Self.inner)),
            Self.outer(FrameBuilder.gre(protocolType: 0x88be, Self.inner)),
            Self.outer(FrameBuilder.gre(protocolType: 0x88be, sequence: 5, erspanII + Self.inner)),
            Self.outer(FrameBuilder.gre(protocolType: 0x22eb, sequence: 5, erspanIII + Self.inner)),
            Self.outer(FrameBuilder.gre(protocolType: 0x0800, Array(Self.inner[14...]))),
        ]
        var harness = DecoderHarness()
        let payloads = harness.feed(frames)
        #expect(payloads.count == 5, "\(harness.counters.nonZeroDrops)")
        #expect(payloads.allSatisfy { $0.source.description == "198.51.100.1:5060" && $0.bytes == Self.message })
    }

    @Test("tunnels nested too deep, and unknown GRE payloads, are counted")
    func greLimits() {
        var frame = Self.inner
        for _ in 0..<5 { frame = Self.outer(FrameBuilder.gre(protocolType: 0x6558, frame)) }
        var harness = DecoderHarness()
        _ = harness.feed(frame)
        _ = harness.feed(Self.outer(FrameBuilder.gre(protocolType: 0x880b, Self.inner)))
        _ = harness.feed(Self.outer([0x20, 0x00, 0x65]))
        #expect(harness.counters[.encapsulationTooDeep] == 1)
        #expect(harness.counters[.greUnsupported] == 1)
        #expect(harness.counters[.greTruncated] == 1)
    }

    @Test("SCTP: whole messages, bundled chunks, and messages split over DATA chunks")
    func sctp() {
        let big = SIPMessages.request(callID: "sctp-big@x", body: SIPMessages.body(size: 1_500))
        let small = SIPMessages.response(100, callID: "sctp-small@x")
        let packets = [
            FrameBuilder.sctp(chunks: [FrameBuilder.sctpData(tsn: 1, first: true, last: false, Array(big[0..<1_000]))]),
            FrameBuilder.sctp(chunks: [
                FrameBuilder.sctpData(tsn: 2, first: false, last: true, Array(big[1_000...])),
                FrameBuilder.sctpData(tsn: 3, stream: 1, small),
            ]),
            // A middle fragment without its first is dropped.
            FrameBuilder.sctp(chunks: [FrameBuilder.sctpData(tsn: 9, first: false, last: true, [1, 2, 3])]),
            // A chunk whose length runs past the packet.
            FrameBuilder.sctp(chunks: [[0, 3, 0x10, 0x00]]),
        ].map { FrameBuilder.sll(FrameBuilder.ipv4(protocol: 132, $0)) }
        var harness = DecoderHarness()
        let payloads = harness.feed(packets, linkType: .linuxSLL)
        #expect(payloads.map(\.bytes) == [big, small])
        #expect(payloads.allSatisfy { $0.transport == .sctp })
        #expect(harness.counters[.sctpFragmentedMessage] == 1)
        #expect(harness.counters[.sctpChunkInvalid] == 1)
    }

    @Test("UDP length problems and non-SIP payloads are counted")
    func udpProblems() {
        var harness = DecoderHarness()
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [1, 2], length: 4))))
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [1, 2], length: 400))))
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4([1, 2, 3])))
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(16384, 16386, [0x80, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))))
        #expect(harness.counters[.udpLengthInvalid] == 1)
        #expect(harness.counters[.udpTruncated] == 2)
        #expect(harness.counters[.notSIP] == 1)
    }
}
