package import CallModel
package import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - The review queue: approvals and expiry changes of rules, audited

extension PostgresStore: RuleReviewStore {
    /// Adds a `rule_reviews` row and a `rule.review.approve` audit entry, in one transaction, with
    /// the rule row locked (`FOR SHARE`: a removal on another node waits, or is waited for and the
    /// rule is then not found).
    /// - Throws: ``RuleReviewError`` (nothing written then) or ``PostgresStoreError``.
    package func approveRule(_ id: Int64, actor: String, reason: String, time: Timestamp) throws -> RuleReview {
        let actor = actor.trimmingSpaces
        guard !actor.isEmpty else { throw RuleReviewError.missing("by") }
        return try session.transaction(refusing: RuleReviewError.self) { transaction in
            let rule = try Self.ruleInTable(id, lock: "FOR SHARE", transaction)
            guard rule.origin == .detection else { throw RuleReviewError.notAutomatic(id) }
            try transaction.execute(
                """
                INSERT INTO rule_reviews (rule_id, reviewed_by, reviewed_at, reason)
                VALUES (\(id), \(ByteBuffer(string: actor)), \(time.microsecondsSinceEpoch), \(ByteBuffer(string: reason)))
                """)
            try Self.appendAudit(
                RuleReviewRecord.approval(id: id, summary: Self.summary(of: rule), actor: actor, reason: reason, time: time),
                transaction)
            return RuleReview(ruleID: id, reviewedBy: actor, reviewedAt: time, reason: reason)
        }
    }

    /// Updates `rules.expires_at` and adds a `rule.expiry` audit entry naming the old and the new
    /// expiry, in one transaction; the rules trigger raises the revision and notifies every node,
    /// which re-reads its rules when the change commits.
    /// - Throws: ``RuleReviewError`` (nothing written then) or ``PostgresStoreError``.
    package func changeRuleExpiry(_ id: Int64, to expires: Timestamp?, actor: String, reason: String, time: Timestamp) throws -> Rule {
        let (actor, reason) = try RuleReviewRecord.required(actor: actor, reason: reason)
        return try session.transaction(refusing: RuleReviewError.self) { transaction in
            var rule = try Self.ruleInTable(id, lock: "FOR UPDATE", transaction)
            let old = rule.expiresAt
            try transaction.execute("UPDATE rules SET expires_at = \(expires?.microsecondsSinceEpoch) WHERE id = \(id)")
            rule.expiresAt = expires
            try Self.appendAudit(
                AuditEntry(
                    time: time, actor: actor, action: "rule.expiry", subject: "rule \(id)",
                    detail: "expiry " + (old?.rfc3339 ?? "never") + " → " + (expires?.rfc3339 ?? "never") + ": " + reason),
                transaction)
            return rule
        }
    }

    /// The newest review of each of `ids` that has one.
    package func ruleReviews(_ ids: [Int64]) throws -> [Int64: RuleReview] {
        guard !ids.isEmpty else { return [:] }
        let rows = try session.query(
            """
            SELECT DISTINCT ON (rule_id) rule_id, reviewed_by, reviewed_at, reason FROM rule_reviews
            WHERE rule_id = ANY(\(ids)) ORDER BY rule_id, id DESC
            """)
        var reviews: [Int64: RuleReview] = [:]
        for row in rows {
            let (id, reviewedBy, reviewedAt, reason) = try row.decode((Int64, ByteBuffer, Int64, ByteBuffer).self)
            reviews[id] = RuleReview(
                ruleID: id, reviewedBy: String(buffer: reviewedBy), reviewedAt: Timestamp(microsecondsSinceEpoch: reviewedAt),
                reason: String(buffer: reason))
        }
        return reviews
    }

    /// The rule in force (in the table, expired or not) with `id`, locked as `lock` says.
    /// - Throws: ``RuleReviewError/notFound(_:)``.
    private static func ruleInTable(_ id: Int64, lock: StaticString, _ transaction: PostgresSession.Transaction) throws -> Rule {
        guard let row = try transaction.rows("SELECT \(unescaped: ruleColumns) FROM rules WHERE id = \(id) \(unescaped: "\(lock)")").first
        else { throw RuleReviewError.notFound(id) }
        return try rule(from: row)
    }
}
