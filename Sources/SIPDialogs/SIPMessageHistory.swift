/// The last few messages of one dialog, as fingerprints, so that a message seen again is told
/// apart as a retransmission (same path) or a copy from another leg (another path).
///
/// A fingerprint is the message's place in the dialog: request or response, CSeq number and
/// method, status code, and which side's tag keyed it; never its Via or addresses, which differ
/// between legs. Sixteen entries, oldest overwritten: a dialog's retransmissions and copies come
/// within a few messages of the original.
struct SIPMessageHistory: Sendable {
    static let capacity = 16

    private var fingerprints = InlineArray<16, UInt64>(repeating: 0)
    private var paths = InlineArray<16, UInt64>(repeating: 0)
    private var stored = 0
    private var next = 0

    enum Sighting {
        case first
        case retransmission
        case copyFromOtherLeg
    }

    /// Records a message; says whether it was seen before and how.
    mutating func record(fingerprint: UInt64, path: UInt64) -> Sighting {
        for index in 0..<stored where fingerprints[index] == fingerprint {
            return paths[index] == path ? .retransmission : .copyFromOtherLeg
        }
        fingerprints[next] = fingerprint
        paths[next] = path
        next = (next + 1) % Self.capacity
        stored = Swift.min(stored + 1, Self.capacity)
        return .first
    }
}
