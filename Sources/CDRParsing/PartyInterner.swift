import CallModel

/// Normalises caller and callee numbers with the number plan, remembering recent results.
///
/// ``CallModel/NumberPlan/normalise(_:)`` works on `String`s and costs far more than a dictionary
/// lookup; a CDR file repeats the same few thousand numbers, so results are kept by raw text. The
/// result is identical to calling `CallerIdentity(raw:displayName:plan:)` and
/// `CalledParty(raw:plan:)` directly. When a table reaches ``capacity`` it is emptied and refilled
/// (simple, bounded, no eviction bookkeeping; 65,536 numbers is a busy organisation's week, a few
/// megabytes). Deliberately not handled: sharing between decoders.
struct PartyInterner {
    /// Entries per table before it is emptied.
    static let capacity = 65_536

    let plan: NumberPlan
    private var callers: [String: CallerIdentity] = [:]
    private var callees: [String: CalledParty] = [:]

    init(plan: NumberPlan) {
        self.plan = plan
    }

    /// The caller identity for a number as received, with `displayName` attached.
    mutating func caller(raw: String, displayName: String?) -> CallerIdentity {
        var identity: CallerIdentity
        if let known = callers[raw] {
            identity = known
        } else {
            identity = CallerIdentity(raw: raw, plan: plan)
            if callers.count >= Self.capacity { callers.removeAll(keepingCapacity: true) }
            callers[raw] = identity
        }
        identity.displayName = displayName
        return identity
    }

    /// The called party for a number or extension as received.
    mutating func callee(raw: String) -> CalledParty {
        if let known = callees[raw] { return known }
        let party = CalledParty(raw: raw, plan: plan)
        if callees.count >= Self.capacity { callees.removeAll(keepingCapacity: true) }
        callees[raw] = party
        return party
    }
}
