/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny deterministic generator for synthetic data, so
/// that benchmark fixtures and randomised tests are the same on every run and a failure can be
/// replayed from its seed.
///
/// Deliberately not handled: anything that must be unpredictable (it is not cryptographic; use
/// `SystemRandomNumberGenerator`), and streams that must not overlap (one state, one stream).
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package var state: UInt64

    package init(state: UInt64) {
        self.state = state
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
