package import CallModel
package import CallwardenPorts
import GRDB

// MARK: - The review queue: approvals and expiry changes of rules, audited

extension SQLiteStore: RuleReviewStore {
    /// Adds a `rule_reviews` row and a `rule.review.approve` audit entry, in one transaction.
    package func approveRule(_ id: Int64, actor: String, reason: String, time: Timestamp) throws -> RuleReview {
        let actor = actor.trimmingSpaces
        guard !actor.isEmpty else { throw RuleReviewError.missing("by") }
        return try write { db in
            let rule = try Self.ruleInTable(id, db)
            guard rule.origin == .detection else { throw RuleReviewError.notAutomatic(id) }
            try db.execute(
                sql: """
                    INSERT INTO rule_reviews (rule_id, reviewed_by, reviewed_at, reason)
                    VALUES (?, \(FullLengthText.placeholder), ?, \(FullLengthText.placeholder))
                    """,
                arguments: [id, FullLengthText.argument(actor), time.microsecondsSinceEpoch, FullLengthText.argument(reason)])
            try appendAudit(
                RuleReviewRecord.approval(id: id, summary: Self.summary(of: rule), actor: actor, reason: reason, time: time),
                db)
            return RuleReview(ruleID: id, reviewedBy: actor, reviewedAt: time, reason: reason)
        }
    }

    /// Updates `rules.expires_at` (which raises the rules revision the daemon follows) and adds a
    /// `rule.expiry` audit entry naming the old and the new expiry, in one transaction.
    package func changeRuleExpiry(_ id: Int64, to expires: Timestamp?, actor: String, reason: String, time: Timestamp) throws -> Rule {
        let (actor, reason) = try RuleReviewRecord.required(actor: actor, reason: reason)
        return try write { db in
            var rule = try Self.ruleInTable(id, db)
            let old = rule.expiresAt
            try db.execute(sql: "UPDATE rules SET expires_at = ? WHERE id = ?", arguments: [expires?.microsecondsSinceEpoch, id])
            rule.expiresAt = expires
            try appendAudit(
                AuditEntry(
                    time: time, actor: actor, action: "rule.expiry", subject: "rule \(id)",
                    detail: "expiry " + (old?.rfc3339 ?? "never") + " → " + (expires?.rfc3339 ?? "never") + ": " + reason),
                db)
            return rule
        }
    }

    package func ruleReviews(_ ids: [Int64]) throws -> [Int64: RuleReview] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var reviews: [Int64: RuleReview] = [:]
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT rule_id, CAST(reviewed_by AS BLOB), reviewed_at, CAST(reason AS BLOB) FROM rule_reviews
                    WHERE rule_id IN (\(marks)) ORDER BY id
                    """,
                arguments: StatementArguments(ids))
            for row in rows {
                let id: Int64 = row[0]
                reviews[id] = RuleReview(
                    ruleID: id, reviewedBy: try row.fullText(atIndex: 1) ?? "", reviewedAt: Timestamp(microsecondsSinceEpoch: row[2]),
                    reason: try row.fullText(atIndex: 3) ?? "")
            }
            return reviews
        }
    }

    private static func ruleInTable(_ id: Int64, _ db: Database) throws -> Rule {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(ruleColumns) FROM rules WHERE id = ?", arguments: [id]) else {
            throw RuleReviewError.notFound(id)
        }
        return try rule(from: row)
    }
}
