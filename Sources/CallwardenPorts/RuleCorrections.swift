package import CallModel

/// How a person names the rules to remove or show: by the rule's id or by the number it matches.
/// The CLI writes ids with an `r` (`r112`) and takes anything else as a number, so `remove 112`
/// can never remove rule 112 (see `callwarden blocks remove --help`).
package enum RuleSelector: Hashable, Sendable, CustomStringConvertible {
    case id(Int64)
    case number(E164Number)

    /// Reads `r112` (any case) as a rule id; nil for anything else (the caller then tries a number).
    package static func ruleID(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "r") || bytes[0] == UInt8(ascii: "R"),
            bytes.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let id = Int64(String(decoding: bytes.dropFirst(), as: UTF8.self)), id > 0
        else { return nil }
        return id
    }

    /// `r112` or `+447700900123`.
    package var description: String {
        switch self {
        case .id(let id): RuleSelector.text(id)
        case .number(let number): number.description
        }
    }

    /// How a rule id is written to people: `r112`.
    package static func text(_ id: Int64) -> String { "r\(id)" }
}

/// A request to remove rules: who, when, why, and whether the rules were a false positive.
package struct RuleRemoval: Hashable, Sendable {
    package var selector: RuleSelector
    package var actor: String
    package var reason: String
    /// The block was wrong: the number goes on the store's allow list, its escalation is reset and
    /// its open incidents are closed with the outcome `false-positive`.
    package var falsePositive: Bool
    package var time: Timestamp

    package init(selector: RuleSelector, actor: String, reason: String, falsePositive: Bool, time: Timestamp) {
        self.selector = selector
        self.actor = actor
        self.reason = reason
        self.falsePositive = falsePositive
        self.time = time
    }

    /// The rules the selector found, checked as every store checks them: none is
    /// ``RuleCorrectionError/notFound(_:)``; for a false positive each must match a number (the
    /// number that goes on the allow list, returned), else ``RuleCorrectionError/notANumber(_:)``.
    package func checked(_ rules: [Rule]) throws(RuleCorrectionError) -> E164Number? {
        guard !rules.isEmpty else { throw RuleCorrectionError.notFound(selector) }
        guard falsePositive else { return nil }
        var number: E164Number?
        for rule in rules {
            guard case .number(let matched) = rule.match else { throw RuleCorrectionError.notANumber(rule.id ?? 0) }
            number = matched
        }
        return number
    }
}

/// What a removal did.
package struct RuleRemovalOutcome: Hashable, Sendable {
    /// The rules removed (now in the history).
    package var removed: [Rule]
    /// The allow entry a false positive added (nil when the number already had one, or for a plain removal).
    package var allowRule: Rule?
    /// Incidents closed with the outcome `false-positive`.
    package var closedIncidentIDs: [Int64]
    /// Whether the number's escalation was reset.
    package var escalationReset: Bool

    package init(removed: [Rule], allowRule: Rule? = nil, closedIncidentIDs: [Int64] = [], escalationReset: Bool = false) {
        self.removed = removed
        self.allowRule = allowRule
        self.closedIncidentIDs = closedIncidentIDs
        self.escalationReset = escalationReset
    }
}

/// A removed rule as it was, and its removal.
package struct RemovedRule: Hashable, Sendable {
    package var rule: Rule
    package var removedBy: String
    package var removedAt: Timestamp
    package var reason: String
    package var falsePositive: Bool

    package init(rule: Rule, removedBy: String, removedAt: Timestamp, reason: String, falsePositive: Bool) {
        self.rule = rule
        self.removedBy = removedBy
        self.removedAt = removedAt
        self.reason = reason
        self.falsePositive = falsePositive
    }
}

/// One identity's escalation forgotten at a time (a false positive).
package struct EscalationReset: Hashable, Sendable {
    package var identity: E164Number
    package var time: Timestamp
    package var actor: String
    package var reason: String

    package init(identity: E164Number, time: Timestamp, actor: String, reason: String) {
        self.identity = identity
        self.time = time
        self.actor = actor
        self.reason = reason
    }
}

/// An incident as a rule's detail names it.
package struct RuleIncident: Hashable, Sendable {
    package var id: Int64
    package var kind: String
    package var status: String
    /// Why it was closed, when known (`false-positive`).
    package var outcome: String?

    package init(id: Int64, kind: String, status: String, outcome: String?) {
        self.id = id
        self.kind = kind
        self.status = status
        self.outcome = outcome
    }
}

/// Everything about one rule: what `callwarden blocks show` prints.
package struct RuleDetail: Hashable, Sendable {
    package var rule: Rule
    /// Set when the rule was removed (it is then history).
    package var removal: RemovedRule?
    /// The detections whose escalation made it (automatic rules): who, why, and their calls.
    package var detections: [Detection]
    /// The incidents of the rule's number (or of its detections).
    package var incidents: [RuleIncident]
    /// Calls the rule decided (stored decision questions whose answer named it).
    package var hits: Int
    package var lastHit: Timestamp?

    package init(
        rule: Rule, removal: RemovedRule? = nil, detections: [Detection] = [], incidents: [RuleIncident] = [], hits: Int = 0,
        lastHit: Timestamp? = nil
    ) {
        self.rule = rule
        self.removal = removal
        self.detections = detections
        self.incidents = incidents
        self.hits = hits
        self.lastHit = lastHit
    }
}

/// Why a removal was refused.
package enum RuleCorrectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No rule in force has that id or matches that number.
    case notFound(RuleSelector)
    /// A false positive needs a number to allow; this rule matches a prefix or unidentified callers.
    case notANumber(Int64)
    /// The actor or the reason is empty.
    case missing(String)

    package var description: String {
        switch self {
        case .notFound(let selector): "no rule in force for \(selector)"
        case .notANumber(let id): "rule \(RuleSelector.text(id)) matches no single number; a false positive names a number"
        case .missing(let field): "\(field) must not be empty"
        }
    }
}

/// Correcting rules: removal into history (ids never reused), false positives (allow entry,
/// escalation reset, incidents closed), and everything about a rule. One port so that the CLI and
/// the API's routes call the same operations; each write is one transaction.
package protocol RuleCorrectionStore: RuleStore {
    /// Removes the rules `removal` names, keeping each in the history; for a false positive also
    /// allows the number, resets its escalation and closes its open incidents, all in one transaction.
    /// - Throws: ``RuleCorrectionError`` or the store's error; nothing is changed then.
    func removeRules(_ removal: RuleRemoval) throws -> RuleRemovalOutcome
    /// Removed rules, newest removal first.
    func removedRules(limit: Int) throws -> [RemovedRule]
    /// Escalation resets at or after `time`, oldest first.
    func escalationResets(since time: Timestamp) throws -> [EscalationReset]
    /// Every rule (in force, expired or removed) `selector` names, with what made it and its hits.
    func ruleDetails(_ selector: RuleSelector) throws -> [RuleDetail]
}
