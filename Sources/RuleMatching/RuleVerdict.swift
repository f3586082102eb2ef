package import CallModel

/// What the deciding rule does, without its payload.
package enum RuleOutcome: UInt8, Hashable, Sendable {
    /// No rule in force matched: the caller of the matcher applies its default (allow).
    case noMatch = 0
    case allow = 1
    case block = 2
    case redirect = 3
    case flag = 4

    /// Order among rules of one key: allow first, then block, redirect, flag.
    var rank: Int {
        switch self {
        case .allow: 0
        case .block: 1
        case .redirect: 2
        case .flag: 3
        case .noMatch: 4
        }
    }

    /// From a raw value the compiler stored (an unknown value reads as no match).
    @inline(__always)
    init(stored: UInt8) {
        self = RuleOutcome(rawValue: stored) ?? .noMatch
    }

    init(_ action: RuleAction) {
        switch action {
        case .allow: self = .allow
        case .block: self = .block
        case .redirect: self = .redirect
        case .flag: self = .flag
        }
    }
}

/// The compact answer of a match: the outcome and the deciding rule, no strings.
///
/// This is what the benchmarks measure: producing it touches only the snapshot's plain records.
package struct RuleVerdict: Hashable, Sendable {
    package var outcome: RuleOutcome
    /// The deciding rule's store id; 0 for ``RuleOutcome/noMatch``.
    package var ruleID: Int64
    /// The deciding rule's label (reason, redirect target) in its snapshot.
    var label: UInt32

    package static let noMatch = RuleVerdict(outcome: .noMatch, ruleID: 0, label: 0)

    init(outcome: RuleOutcome, ruleID: Int64, label: UInt32) {
        self.outcome = outcome
        self.ruleID = ruleID
        self.label = label
    }
}

/// The caller side of one question, reduced to what matching needs.
///
/// Built from ``CallModel/CallerIdentity`` by its counted identity: the asserted identity
/// (P-Asserted-Identity) first, the presented number otherwise.
package struct MatchCaller: Hashable, Sendable {
    /// The counted number's digits as an integer; 0 when there is none.
    package var number: UInt64
    /// True for a caller with no usable identity (matches only `unidentified` rules).
    package var isUnidentified: Bool

    package init(_ caller: CallerIdentity) {
        self.number = caller.countedNumber?.value ?? 0
        self.isUnidentified = caller.isUnidentified
    }

    package init(number: E164Number) {
        self.number = number.value
        self.isUnidentified = false
    }

    /// An unidentified caller.
    package static let unidentified = MatchCaller(number: 0, isUnidentified: true)

    init(number: UInt64, isUnidentified: Bool) {
        self.number = number
        self.isUnidentified = isUnidentified
    }
}
