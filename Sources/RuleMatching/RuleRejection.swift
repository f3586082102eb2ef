import CallModel

/// A rule the compiler refused, and why. The snapshot is built from the other rules.
package struct RuleRejection: Hashable, Sendable, CustomStringConvertible {
    /// The rule's store id, nil when it had none.
    package var ruleID: Int64?
    /// What is wrong, for the log and `check` output (never contains the rule's number).
    package var reason: String

    package init(ruleID: Int64?, reason: String) {
        self.ruleID = ruleID
        self.reason = reason
    }

    package var description: String { "rule \(ruleID.map(String.init) ?? "without id"): \(reason)" }
}

/// The checks a rule must pass before it is compiled.
enum RuleValidation {
    /// The longest callee scope key, in UTF-8 bytes.
    static let maximumScopeBytes = 64

    /// Why `rule` cannot be compiled, or nil when it can.
    static func problem(with rule: Rule) -> String? {
        guard rule.id != nil else { return "has no store id" }
        switch rule.match {
        case .prefix(let digits):
            if digits.isEmpty { return "prefix has no digits" }
            if digits.utf8.count > LevelCode.longestPrefix { return "prefix is longer than 15 digits" }
            if !digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return "prefix is not all digits"
            }
            if digits.utf8.first == UInt8(ascii: "0") { return "prefix starts with 0 (E.164 digits never do)" }
        case .number(let number):
            if E164Number(value: number.value) == nil { return "number is not 7 to 15 digits" }
        case .unidentified:
            break
        }
        if let scope = rule.scope {
            if scope.isEmpty { return "scope is empty (use no scope for the whole organisation)" }
            if scope.utf8.count > maximumScopeBytes { return "scope is longer than \(maximumScopeBytes) bytes" }
        }
        if case .redirect(let target) = rule.action, target.trimmingSpaces.isEmpty {
            return "redirect has no target"
        }
        return nil
    }

    /// The key digits of a rule's match and its level.
    static func key(of match: RuleMatch) -> (level: Int, digits: UInt64) {
        switch match {
        case .unidentified: return (LevelCode.unidentified, 0)
        case .number(let number): return (LevelCode.exact, number.value)
        case .prefix(let digits):
            var value: UInt64 = 0
            for byte in digits.utf8 { value = value &* 10 &+ UInt64(byte &- UInt8(ascii: "0")) }
            return (digits.utf8.count, value)
        }
    }
}
