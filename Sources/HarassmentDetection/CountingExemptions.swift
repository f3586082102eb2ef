package import CallModel

/// What the store says about counting, beside the configuration: numbers on the store's allow list
/// (ops' `allow` rules, and the entries `blocks remove --false-positive` adds) and escalation
/// resets (a false positive's offences forgotten). The rules refresher reads them from the store
/// and hands them to the running detector (``HarassmentDetector/apply(_:)``); the builder applies
/// them before warm-up, so a restart counts the same.
///
/// - An allowed number is never counted, exactly like the configuration's allow list (the same
///   check, ``HarassmentDetector/observe(_:isNewCall:)``): no episode, no alert, no re-block.
/// - A reset at time *t* forgets the identity's offences and blocks (the escalation ladder starts
///   again at offence 1) and its repeat-caller window; calls counted before *t* are ignored,
///   so a warm-up after a restart does not count them again.
///
/// Deliberately not handled: scoped or scheduled allow rules (they decide calls but do not stop
/// counting: a caller allowed to one extension may still harass another), prefix allow rules
/// beyond tens (they share the configuration list's linear prefix check), the end of a prefix
/// entry (it holds until the refresher next reads the rules: a change, or its maximum age), and resets of the
/// unidentified-caller and number-hopping ladders (they are keyed by extension, not by a number).
package struct CountingExemptions: Hashable, Sendable {
    /// Allowed numbers (``CallModel/E164Number/value``) with when their entry ends (microseconds of
    /// event time; `Int64.max` for never).
    package var allowedNumbers: [UInt64: Int64]
    /// Allowed prefixes (`44800`: digits of E.164 without `+`).
    package var allowedPrefixes: [String]
    /// Escalation resets: identity (``CallModel/E164Number/value``) → microseconds since the epoch.
    package var escalationResets: [UInt64: Int64]

    package init(allowedNumbers: [UInt64: Int64] = [:], allowedPrefixes: [String] = [], escalationResets: [UInt64: Int64] = [:]) {
        self.allowedNumbers = allowedNumbers
        self.allowedPrefixes = allowedPrefixes
        self.escalationResets = escalationResets
    }

    /// Derives the exemptions from rules in force: every `allow` rule on a number or a prefix that
    /// holds for every extension at every hour (no scope, no schedule).
    package init(rules: [Rule], escalationResets: [UInt64: Int64]) {
        var numbers: [UInt64: Int64] = [:]
        var prefixes: [String] = []
        for rule in rules where rule.action == .allow && rule.scope == nil && rule.schedule == nil {
            switch rule.match {
            case .number(let number):
                let ends = rule.expiresAt?.microsecondsSinceEpoch ?? Int64.max
                numbers[number.value] = max(numbers[number.value] ?? Int64.min, ends)
            case .prefix(let digits):
                prefixes.append(digits)
            case .unidentified:
                continue
            }
        }
        self.init(allowedNumbers: numbers, allowedPrefixes: prefixes, escalationResets: escalationResets)
    }
}
