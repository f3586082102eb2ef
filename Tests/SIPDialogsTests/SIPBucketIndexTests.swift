@testable import SIPDialogs
import Testing

/// The tracker's hash → slot index against a `Dictionary` doing the same operations, with hashes
/// chosen to collide in their low bits (long probe runs, deletions inside and across runs,
/// wrap-around at the table's end) and growth past several sizes.
@Suite("SIP bucket index")
struct SIPBucketIndexTests {
    @Test("sets, replacements and removals agree with a Dictionary", arguments: [UInt64(1), 2, 3])
    func agreesWithDictionary(seed: UInt64) {
        var index = SIPBucketIndex()
        var expected: [UInt64: Int] = [:]
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for step in 0..<20_000 {
            // Few distinct low bits (so positions collide) and a spread of high bits.
            let hash = (next() % 64) << 40 | (next() % 8) | (step % 3 == 0 ? 0x3F : 0)
            switch next() % 3 {
            case 0, 1:
                let slot = Int(next() % 1_000)
                index.set(hash, slot)
                expected[hash] = slot
            default:
                index.remove(hash)
                expected[hash] = nil
            }
            if step % 97 == 0 {
                for (key, value) in expected { #expect(index[key] == value) }
            }
            #expect(index.count == expected.count)
            #expect(index[hash] == expected[hash])
        }
        for (key, value) in expected { #expect(index[key] == value) }
        for key in Array(expected.keys) {
            index.remove(key)
            #expect(index[key] == nil)
        }
        #expect(index.count == 0)
    }
}
