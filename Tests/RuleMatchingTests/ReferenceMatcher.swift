import CallModel

/// The precedence of RuleMatching.swift written as plainly as possible, for comparison:
/// filter the rules in force, take the callee's scope if anything of it matches, else the global
/// one, take the longest match, then allow, block, redirect, flag, then the lowest id.
enum ReferenceMatcher {
    static func decide(_ rules: [Rule], caller: CallerIdentity, callee: String, at time: Timestamp, zone: LocalTimeZone)
        -> (action: RuleAction, ruleID: Int64?)
    {
        let inForce = rules.filter { rule in
            rule.isActive(at: time) && (rule.schedule.map { $0.isInForce(at: time, in: zone) } ?? true)
        }
        for scope in [callee as String?, nil] {
            let candidates = inForce.compactMap { rule -> (Rule, Int)? in
                guard rule.scope == scope, let length = matchLength(rule.match, caller) else { return nil }
                return (rule, length)
            }
            guard let longest = candidates.map(\.1).max() else { continue }
            let best = candidates.filter { $0.1 == longest }.map(\.0).min { lhs, rhs in
                (rank(lhs.action), lhs.id ?? 0) < (rank(rhs.action), rhs.id ?? 0)
            }
            if let best { return (best.action, best.id) }
        }
        return (.allow, nil)
    }

    static func matchLength(_ match: RuleMatch, _ caller: CallerIdentity) -> Int? {
        switch match {
        case .unidentified: return caller.isUnidentified ? 0 : nil
        case .number(let number): return caller.countedNumber == number ? 16 : nil
        case .prefix(let digits):
            guard let counted = caller.countedNumber, counted.digits.hasPrefix(digits) else { return nil }
            return digits.count
        }
    }

    static func rank(_ action: RuleAction) -> Int {
        switch action {
        case .allow: 0
        case .block: 1
        case .redirect: 2
        case .flag: 3
        }
    }
}
