import CallModel
import RuleMatching
import SyntheticRandom

/// The kinds of rule sets ``MatcherBenchmark`` builds.
package enum MatcherBenchmarkMix: Sendable {
    /// What a deployment accumulates: 96 % exact numbers blocked for the whole organisation (a
    /// third of them expiring, as automatic blocks do), 3 % numbers blocked for one of 200
    /// extensions, 1 % number ranges of 6, 8 or 10 digits. Callees: 1,200 extensions, 200 of them
    /// with rules of their own.
    case typical
    /// A stress mix: 90 % exact numbers (a tenth scoped), 10 % number ranges of five lengths (7 to
    /// 11 digits, a quarter scoped), and every one of 1,000 extensions with rules of its own, so a
    /// decision probes up to a dozen tables.
    case denseScopes
    /// Exact numbers only, all global and never expiring: one table per decision, the shape of a
    /// flat exact-number table, to tell the cost of the table apart from the cost of the mix.
    case exactOnly

    /// How many callee keys the mixes use: extensions 1000 ... 2199.
    static let calleeCount = 1_200

    /// The callee key with index `index`: a small (inline) string, as parsers' short keys are, so
    /// that handing it to the matcher retains nothing (`String(Int)` makes a heap string).
    static func callee(_ index: Int) -> String { String(decoding: Array(String(1_000 + index).utf8), as: UTF8.self) }

    /// A callee index for a question that no scoped rule was made for.
    func anyCallee(_ random: UInt64) -> UInt32 {
        switch self {
        case .typical, .exactOnly: UInt32(random % 1_200)
        case .denseScopes: UInt32(random % 1_000)
        }
    }

    private func scopedCallee(_ random: UInt64) -> UInt32 {
        switch self {
        case .typical, .exactOnly: UInt32(1_000 + random % 200)
        case .denseScopes: UInt32(random % 1_000)
        }
    }

    /// The kind of rule number `index` is: (exact, scoped).
    private func kind(_ index: Int) -> (exact: Bool, scoped: Bool) {
        switch self {
        case .typical: (index % 100 != 99, index % 100 >= 96 && index % 100 < 99)
        case .denseScopes: (index % 10 != 9, index % 10 != 9 ? index % 100 < 9 : index % 40 == 9)
        case .exactOnly: (true, false)
        }
    }

    private func prefixLength(_ random: UInt64) -> Int {
        switch self {
        case .typical, .exactOnly: 6 + 2 * Int(random % 3)
        case .denseScopes: 7 + Int(random % 5)
        }
    }

    /// The rules and, for each, a question it answers.
    func makeRules(count: Int, time: Timestamp, random: inout SplitMix64) -> ([Rule], [MatcherBenchmark.Query]) {
        var rules: [Rule] = []
        rules.reserveCapacity(count)
        var hits: [MatcherBenchmark.Query] = []
        hits.reserveCapacity(count)
        var used = Set<UInt64>(minimumCapacity: count)
        let reasons = (0..<64).map { "synthetic benchmark rule, reason \($0) of 64" }
        for index in 0..<count {
            let (exact, scoped) = kind(index)
            let callee = scoped ? scopedCallee(random.next()) : anyCallee(random.next())
            let match: RuleMatch
            let question: UInt64
            if exact {
                var number: UInt64
                repeat { number = 358_401_000_0000 + random.next() % 1_000_0000 } while !used.insert(number).inserted
                guard let e164 = E164Number(value: number) else { continue }
                match = .number(e164)
                question = number
            } else {
                let length = prefixLength(random.next())
                let prefixValue = (442_079_460_000 + random.next() % 10_000) / Self.pow10(12 - length)
                match = .prefix(String(prefixValue))
                question = prefixValue * Self.pow10(12 - length) + random.next() % Self.pow10(12 - length)
            }
            let action: RuleAction = index % 7 == 3 ? .redirect(to: "+442079460000") : index % 11 == 5 ? .flag : .block
            rules.append(
                Rule(
                    id: Int64(index + 1), match: match, scope: scoped ? Self.callee(Int(callee)) : nil, action: action,
                    reason: reasons[index % reasons.count], createdBy: "benchmark", createdAt: time,
                    expiresAt: index % 3 == 0 && self != .exactOnly ? time + .days(1) : nil))
            guard let caller = E164Number(value: question).map(MatchCaller.init(number:)) else { continue }
            hits.append(MatcherBenchmark.Query(caller: caller, callee: callee))
        }
        return (rules, hits)
    }

    private static func pow10(_ exponent: Int) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<max(exponent, 0) { value *= 10 }
        return value
    }
}
