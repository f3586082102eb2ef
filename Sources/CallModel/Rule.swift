/// What a rule matches on the caller side.
package enum RuleMatch: Hashable, Sendable {
    /// Exactly this number (compared with the caller's counted identity).
    case number(E164Number)
    /// Every number whose E.164 digits start with these digits (a number range).
    case prefix(String)
    /// Callers with no usable identity.
    case unidentified

    /// `+358401234567`, `+35840*`, `unidentified`: the form the CLI and the store use.
    package var text: String {
        switch self {
        case .number(let number): number.description
        case .prefix(let digits): "+" + digits + "*"
        case .unidentified: "unidentified"
        }
    }

    /// Parses ``text``'s forms; numbers and prefixes (`040 123*`, `+358 (0)40*`) are normalised with `plan`.
    package init?(text: String, plan: NumberPlan) {
        let trimmed = text.trimmingSpaces
        if trimmed.lowercased() == "unidentified" || trimmed.lowercased() == "anonymous" {
            self = .unidentified
            return
        }
        if trimmed.hasSuffix("*") {
            guard let digits = plan.normalisePrefix(String(trimmed.dropLast())) else { return nil }
            self = .prefix(digits)
            return
        }
        guard let number = plan.normalise(trimmed).e164 else { return nil }
        self = .number(number)
    }
}

/// What a rule does with a matching call.
package enum RuleAction: Hashable, Sendable {
    case allow
    case block
    /// Divert to this number (a crisis-service or security-desk line).
    case redirect(to: String)
    /// Let the call through but mark it MCID-style (record, trace, alert).
    case flag

    package var name: String {
        switch self {
        case .allow: "allow"
        case .block: "block"
        case .redirect: "redirect"
        case .flag: "flag"
        }
    }

    package var redirectTarget: String? {
        if case .redirect(let target) = self { return target }
        return nil
    }
}

/// Where a rule came from.
package enum RuleOrigin: String, Hashable, Sendable, Codable {
    /// Added by a person (CLI, API).
    case manual
    /// Added automatically by a detection's escalation.
    case detection
}

/// One block-list or redirect entry. Rules are data kept in the store, never configuration.
package struct Rule: Hashable, Sendable {
    /// Store id; nil before insertion.
    package var id: Int64?
    package var match: RuleMatch
    /// The extension (or number key) the rule is limited to; nil for the whole organisation.
    package var scope: String?
    package var action: RuleAction
    /// Why, as told by whoever added it; shown to ops and kept in the audit log.
    package var reason: String
    /// Who added it (`cli:alice`, `detection`).
    package var createdBy: String
    package var createdAt: Timestamp
    /// Nil for a rule that never expires.
    package var expiresAt: Timestamp?
    package var origin: RuleOrigin
    /// When the rule is in force (days and a local time window); nil for always.
    package var schedule: RuleSchedule?

    package init(
        id: Int64? = nil,
        match: RuleMatch,
        scope: String? = nil,
        action: RuleAction,
        reason: String,
        createdBy: String,
        createdAt: Timestamp,
        expiresAt: Timestamp? = nil,
        origin: RuleOrigin = .manual,
        schedule: RuleSchedule? = nil
    ) {
        self.id = id
        self.match = match
        self.scope = scope
        self.action = action
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.origin = origin
        self.schedule = schedule
    }

    /// Whether the rule has not expired at `time` (its ``schedule`` is not considered).
    package func isActive(at time: Timestamp) -> Bool {
        expiresAt.map { time < $0 } ?? true
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (no Foundation in the core).
    package var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" || first == "\n" {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" || last == "\n" {
            slice = slice.dropLast()
        }
        return String(slice)
    }
}

extension Character {
    package var isASCIIDigit: Bool { isASCII && isNumber }
}
