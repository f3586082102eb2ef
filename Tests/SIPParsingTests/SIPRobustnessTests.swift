import CallModel
import SIPParsing
import Testing
import SyntheticRandom

/// Truncations and mutations of valid messages through the parser, the framer and the identity
/// readers: nothing traps, and both outcomes occur so the error paths are really exercised.
@Suite("SIP parser robustness")
struct SIPRobustnessTests {
    static let samples: [[UInt8]] = [
        SIPFixture.invite(
            from: "\"A \\\"b\\\", c\" <sip:+44-20-7946-0123;npdi@trunk.example;user=phone>;tag=x",
            extra: [
                "P-Asserted-Identity: <sip:+447700900123@trunk.example>, <tel:+447700900123;verstat=TN-Validation-Passed>",
                "Privacy: id;critical",
                "Remote-Party-ID: \"x\" <sip:+447700900124@trunk.example>;party=calling;screen=yes;privacy=full",
                "Diversion: <sip:1001@pbx.example>;reason=user-busy;counter=1",
                "History-Info: <sip:1001@pbx.example>;index=1,<sip:1002@pbx.example;cause=486>;index=1.1",
                "Identity: " + PASSporTClaimsTests.base64url(PASSporTClaimsTests.protectedHeader) + "."
                    + PASSporTClaimsTests.base64url(#"{"attest":"A","orig":{"tn":"442079460123"},"dest":{"tn":["1001"]}}"#)
                    + ".c2ln;ppt=shaken",
                "Subject: folded",
                " continuation",
            ],
            body: "v=0\r\n"),
        Array("SIP/2.0 180 Ringing\r\nv: SIP/2.0/UDP [2001:db8::1]:5060\r\nf: <tel:0207946;phone-context=+44>;tag=1\r\nt: <sip:1001@pbx.example>;tag=2\r\ni: r\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n".utf8),
    ]

    /// Runs everything a message can go through.
    static func exercise(_ bytes: [UInt8]) -> Bool {
        _ = try? SIPStreamFramer.nextFrame(in: bytes)
        guard let message = try? SIPMessage(bytes: bytes) else { return false }
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        _ = SIPCallerResolver(plan: SIPFixture.plan).caller(identity, source: nil)
        _ = SIPCallerResolver(plan: SIPFixture.plan).callee(identity)
        _ = message.cseq
        _ = message.callID
        for name in SIPHeaderName.allCases { _ = message.values(name) }
        for field in message.headers { _ = message.text(field.value) }
        return true
    }

    @Test("every prefix of every sample", arguments: samples.indices)
    func prefixes(index: Int) {
        let sample = Self.samples[index]
        var parsed = 0
        for length in 0...sample.count where Self.exercise(Array(sample[..<length])) { parsed += 1 }
        #expect(parsed >= 1)
        #expect(parsed < sample.count)
    }

    @Test func pseudoRandomMutationsNeverTrap() {
        var random = SplitMix64(state: 0x5EED_0003)
        let interesting: [UInt8] = Array("\r\n \t:;,<>\"\\@=%.+-[]?0123456789".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF]
        var parsed = 0
        var failed = 0
        for round in 0..<4_000 {
            var bytes = Self.samples[round % Self.samples.count]
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = interesting.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(interesting.randomElement(using: &random) ?? 0, at: position)
                default: bytes[position] = UInt8.random(in: 0...255, using: &random)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            if Self.exercise(bytes) { parsed += 1 } else { failed += 1 }
        }
        #expect(parsed > 0)
        #expect(failed > 0)
    }
}
