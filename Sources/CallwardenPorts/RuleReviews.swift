package import CallModel

/// A person's verdict on an automatic block: kept (approved) by whom, when and why. A rejected
/// block is removed like an unblock (``RuleCorrectionStore/removeRules(_:)``), so it has no row here.
package struct RuleReview: Hashable, Sendable {
    package var ruleID: Int64
    package var reviewedBy: String
    package var reviewedAt: Timestamp
    package var reason: String

    package init(ruleID: Int64, reviewedBy: String, reviewedAt: Timestamp, reason: String) {
        self.ruleID = ruleID
        self.reviewedBy = reviewedBy
        self.reviewedAt = reviewedAt
        self.reason = reason
    }
}

/// Why a review was refused.
package enum RuleReviewError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No rule in force has that id.
    case notFound(Int64)
    /// The rule was made by a person, not by a detection: there is nothing to review.
    case notAutomatic(Int64)
    /// The actor or the reason is empty.
    case missing(String)

    package var description: String {
        switch self {
        case .notFound(let id): "no rule in force with id \(RuleSelector.text(id))"
        case .notAutomatic(let id): "rule \(RuleSelector.text(id)) was made by a person; only automatic blocks are reviewed"
        case .missing(let field): "\(field) must not be empty"
        }
    }
}

/// What every store writes for a review, decided once: the trimmed actor and reason (refused when
/// empty) and the approval's audit entry.
package enum RuleReviewRecord {
    /// `actor` and `reason` trimmed; ``RuleReviewError/missing(_:)`` names the empty one (`by` first).
    package static func required(actor: String, reason: String) throws(RuleReviewError) -> (actor: String, reason: String) {
        let actor = actor.trimmingSpaces
        let reason = reason.trimmingSpaces
        guard !actor.isEmpty else { throw RuleReviewError.missing("by") }
        guard !reason.isEmpty else { throw RuleReviewError.missing("reason") }
        return (actor, reason)
    }

    /// The `rule.review.approve` audit entry of `actor` keeping rule `id` (described by `summary`).
    package static func approval(id: Int64, summary: String, actor: String, reason: String, time: Timestamp) -> AuditEntry {
        AuditEntry(
            time: time, actor: actor, action: "rule.review.approve", subject: "rule \(id)",
            detail: summary + (reason.isEmpty ? "" : ": " + reason))
    }
}

/// The review queue of automatic blocks: approve (keep the block, recorded as reviewed) and change
/// a rule's expiry; rejecting is ``RuleCorrectionStore/removeRules(_:)``. Every write is audited
/// with its actor, in the same transaction.
///
/// Deliberately not handled: an expiry change does not go to the rule history (that holds removed
/// rules); the old expiry is kept in the change's audit entry.
package protocol RuleReviewStore: RuleCorrectionStore {
    /// Records that `actor` keeps the automatic block `id` (again: the newest review counts).
    /// - Throws: ``RuleReviewError`` or the store's error.
    func approveRule(_ id: Int64, actor: String, reason: String, time: Timestamp) throws -> RuleReview
    /// Sets rule `id`'s expiry (nil: never expires); the audit entry keeps the old one.
    /// - Throws: ``RuleReviewError`` or the store's error.
    func changeRuleExpiry(_ id: Int64, to expires: Timestamp?, actor: String, reason: String, time: Timestamp) throws -> Rule
    /// The newest review of each of `ids` that has one.
    func ruleReviews(_ ids: [Int64]) throws -> [Int64: RuleReview]
}
