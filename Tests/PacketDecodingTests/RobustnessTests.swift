import CallModel
import PacketDecoding
import PacketTestSupport
import SyntheticRandom
import Testing

/// Arbitrary bytes never trap the decoder: random frames for every link type, and random
/// mutations of valid frames (bit flips, truncations), the way the fuzzer does it but bounded and
/// deterministic.
@Suite("robustness")
struct RobustnessTests {
    static let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .rawDLT, .ipv4, .ipv6, .null, .loop]

    static let seeds: [[UInt8]] = {
        let message = SIPMessages.request(callID: "robust@x", body: SIPMessages.body(size: 300))
        return [
            FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 5060, message))),
            FrameBuilder.ethernet(FrameBuilder.ipv4(protocol: 6, FrameBuilder.tcp(sequence: 1, message))),
            FrameBuilder.ethernet(etherType: 0x86dd, FrameBuilder.ipv6Fragments(payload: FrameBuilder.udp(1, 2, message), fragmentSize: 200)[0]),
            FrameBuilder.ethernet(FrameBuilder.ipv4Fragments(payload: FrameBuilder.udp(1, 2, message), fragmentSize: 160)[1]),
            FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 9060, HEPBuilder.sipVersion3(payload: message)))),
            FrameBuilder.ethernet(FrameBuilder.ipv4(protocol: 47, FrameBuilder.gre(protocolType: 0x6558, key: 1, FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, message)))))),
            FrameBuilder.ethernet(FrameBuilder.ipv4(protocol: 132, FrameBuilder.sctp(chunks: [FrameBuilder.sctpData(tsn: 1, message)]))),
        ]
    }()

    @Test("random bytes under every link type", arguments: linkTypes)
    func randomBytes(linkType: LinkType) {
        var random = SplitMix64(state: UInt64(linkType.rawValue) &+ 1)
        var harness = DecoderHarness()
        for _ in 0..<3_000 {
            let frame = (0..<random.below(200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = harness.feed(frame, linkType: linkType)
        }
        #expect(harness.counters.frames == 3_000)
    }

    @Test("mutated valid frames", arguments: 0..<7)
    func mutations(seedIndex: Int) {
        var random = SplitMix64(state: UInt64(seedIndex) &* 7_919)
        var harness = DecoderHarness()
        let seed = Self.seeds[seedIndex]
        for _ in 0..<4_000 {
            var frame = seed
            for _ in 0..<(1 + random.below(4)) {
                let index = random.below(frame.count)
                frame[index] = random.below(3) == 0 ? UInt8(truncatingIfNeeded: random.next()) : frame[index] ^ (1 << UInt8(random.below(8)))
            }
            if random.below(4) == 0 { frame = Array(frame.prefix(random.below(frame.count + 1))) }
            _ = harness.feed(frame)
        }
        #expect(harness.counters.frames == 4_000)
    }
}

extension SplitMix64 {
    /// A number in `0..<bound` (modulo, so that a seed gives the same frames as it always did).
    fileprivate mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
