import CallModel
import RuleMatching

/// Synthetic rules and callers: numbers from the Ofcom drama ranges (+44 20 7946 0xxx,
/// +44 113 496 0xxx, +44 7700 900xxx), never assigned to anyone.
enum RuleFixtures {
    /// 2024-01-15 12:00:00 UTC, a Monday.
    static let monday = Timestamp(secondsSinceEpoch: 1_705_320_000)
    static let plan = NumberPlan.unitedKingdom

    static func number(_ text: String) -> E164Number {
        guard let number = E164Number(e164: text) else { preconditionFailure("bad fixture number \(text)") }
        return number
    }

    static func rule(
        _ id: Int64, _ match: RuleMatch, _ action: RuleAction = .block, scope: String? = nil,
        expiresAt: Timestamp? = nil, schedule: RuleSchedule? = nil, reason: String? = nil
    ) -> Rule {
        Rule(
            id: id, match: match, scope: scope, action: action, reason: reason ?? "fixture rule \(id)",
            createdBy: "test", createdAt: monday - .days(30), expiresAt: expiresAt, schedule: schedule)
    }

    static func exact(_ text: String) -> RuleMatch { .number(number(text)) }

    static func caller(_ text: String) -> CallerIdentity {
        CallerIdentity(raw: text, number: number(text))
    }

    static let unidentifiedCaller = CallerIdentity(raw: "anonymous", presentationRestricted: true)

    static func compile(_ rules: [Rule], at time: Timestamp = monday, zone: LocalTimeZone = .utc) -> RuleSnapshot {
        let compilation = RuleSnapshotCompiler(timeZone: zone).compile(rules, at: time)
        precondition(compilation.rejected.isEmpty, "fixture rules rejected: \(compilation.rejected)")
        return compilation.snapshot
    }

    static func schedule(_ text: String) -> RuleSchedule {
        do { return try RuleSchedule(parsing: text) } catch { preconditionFailure("bad fixture schedule \(text)") }
    }
}

extension RuleSnapshot {
    /// The deciding rule's id for `caller` calling `callee` at `time` (nil: no rule matched).
    func decidingRule(_ caller: CallerIdentity, callee: String = "1001", at time: Timestamp = RuleFixtures.monday)
        -> Int64?
    {
        decide(caller, calleeKey: callee, at: time).ruleID
    }
}
