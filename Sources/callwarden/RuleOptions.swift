import ArgumentParser
import CallModel
import Ingest
import SystemClock
import CDRIngest
import CallPipeline
import CallwardenPorts
import CallwardenApp

/// What every `add` of a rule takes: what it matches, where, when, until when, and who says why.
struct RuleOptions: ParsableArguments {
    @Argument(help: "A number in any form the PBX writes, a prefix ending in *, or 'unidentified'.")
    var match: String
    @Option(name: .long, help: "Why (kept in the audit log and shown to ops).") var reason: String
    @Option(name: .long, help: "Who is making the change (default: the login name).") var by: String?
    @Option(name: .long, help: "Limit the rule to calls to this extension.") var scope: String?
    @Option(name: .long, help: "Expire after this long (e.g. 24h, 7d); default never.") var expires: String?
    @Option(
        name: .long,
        help: "Only in force on these days and local times, e.g. \"mon-fri 18:00-08:00\" or \"sat-sun\"; default always.")
    var schedule: String?

    /// Validates the options, stores the rule with an audit entry and returns it with its id.
    func add(action: RuleAction, configuration: CallwardenConfiguration) throws -> Rule {
        guard let ruleMatch = RuleMatch(text: match, plan: configuration.plan) else {
            throw ValidationError("\"\(match)\" is not a number, a prefix such as +44113496* or 'unidentified'")
        }
        var expiry: TimeSpan?
        if let expires {
            guard let span = TimeSpan(parsing: expires), span.microseconds > 0 else {
                throw ValidationError("--expires \"\(expires)\" is not a duration (45s, 30m, 12h, 7d)")
            }
            expiry = span
        }
        var ruleSchedule: RuleSchedule?
        if let schedule {
            do {
                ruleSchedule = try RuleSchedule(parsing: schedule)
            } catch {
                throw ValidationError("--schedule: \(error.reason)")
            }
        }
        let now = WallClock.system.now()
        let actor = Actor.resolve(by)
        let rule = Rule(
            match: ruleMatch, scope: scope, action: action, reason: reason, createdBy: actor, createdAt: now,
            expiresAt: expiry.map { now + $0 }, origin: .manual, schedule: ruleSchedule)
        return try configuration.openStore().addRule(rule, actor: actor)
    }

    /// `block +447700900123 to 1001 during mon-fri 18:00-08:00`, `redirect unidentified → +442079460999`.
    static func summary(of rule: Rule) -> String {
        var text = rule.action.name + " " + rule.match.text
        if let target = rule.action.redirectTarget { text += " → " + target }
        if let scope = rule.scope { text += " to " + scope }
        if let schedule = rule.schedule { text += " during \(schedule)" }
        return text
    }
}
