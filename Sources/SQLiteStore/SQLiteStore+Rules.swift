package import CallModel
package import CallwardenPorts
import GRDB

// MARK: - Rules and the audit log

extension SQLiteStore {
    /// Rules in insertion order; those expired at `time` only when `includeExpired`.
    ///
    /// A rule is expired when its `expires_at` is at or before `time` (``Rule/isActive(at:)``).
    /// - Throws: ``SQLiteStoreError``.
    package func rules(activeAt time: Timestamp, includeExpired: Bool) throws -> [Rule] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.ruleColumns) FROM rules WHERE ? OR expires_at IS NULL OR expires_at > ? ORDER BY id",
                arguments: [includeExpired, time.microsecondsSinceEpoch])
            return try rows.map(Self.rule(from:))
        }
    }

    /// A number that changes whenever a rule is added, changed or removed, by any process.
    ///
    /// Kept by triggers in the same transaction as the change (migration `v2-rule-schedules`), so
    /// a reader that sees a new revision and then reads the rules sees at least that change.
    /// - Throws: ``SQLiteStoreError``.
    package func rulesRevision() throws -> Int64 {
        try read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM rules_revision WHERE id = 1")) ?? 0
        }
    }

    /// Stores a new rule and a `rule.add` audit entry in one transaction.
    ///
    /// The rule's own `id` is ignored; the stored rule is returned with the id the store gave it.
    /// - Parameters:
    ///   - rule: The rule to add.
    ///   - actor: Who adds it (`cli:alice`), written to the audit log.
    /// - Throws: ``SQLiteStoreError``, with ``SQLiteStoreError/Code/constraintViolation`` for a rule
    ///   the schema refuses (a redirect without a target).
    package func addRule(_ rule: Rule, actor: String) throws -> Rule {
        try write { db in try insertRule(rule, actor: actor, auditAction: "rule.add", db) }
    }

    /// Removes a rule into the history (`rule_history`: who, when, why) and writes a `rule.remove`
    /// audit entry in one transaction; its id is never handed out again.
    ///
    /// - Parameters:
    ///   - id: The rule's store id.
    ///   - actor: Who removes it.
    ///   - reason: Why, kept in the history and the audit entry's detail.
    ///   - time: When, the audit entry's time.
    /// - Returns: false, and no audit entry, when no rule had that id.
    /// - Throws: ``SQLiteStoreError``; ``CallwardenPorts/RuleCorrectionError/missing(_:)`` for an empty actor or reason.
    package func removeRule(id: Int64, actor: String, reason: String, at time: Timestamp) throws -> Bool {
        do {
            _ = try removeRules(RuleRemoval(selector: .id(id), actor: actor, reason: reason, falsePositive: false, time: time))
            return true
        } catch RuleCorrectionError.notFound {
            return false
        }
    }

    /// The audit log, newest first (by time, then by insertion).
    ///
    /// - Parameter limit: The most entries returned.
    /// - Throws: ``SQLiteStoreError``.
    package func auditLog(limit: Int) throws -> [AuditEntry] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.auditColumns) FROM audit_log ORDER BY time DESC, id DESC LIMIT ?",
                arguments: [max(limit, 0)])
            return try rows.map(Self.auditEntry(from:))
        }
    }

    /// The audit columns ``auditEntry(from:)`` reads; text whole, NUL included (``FullLengthText``).
    static let auditColumns = "time, CAST(actor AS BLOB), action, CAST(subject AS BLOB), CAST(detail AS BLOB)"

    static func auditEntry(from row: Row) throws -> AuditEntry {
        AuditEntry(
            time: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 0)),
            actor: try row.fullText(atIndex: 1) ?? "",
            action: try row.decode(atIndex: 2),
            subject: try row.fullText(atIndex: 3) ?? "",
            detail: try row.fullText(atIndex: 4) ?? "")
    }

    /// Inserts a rule and its audit entry (time: the rule's `createdAt`) inside the caller's transaction.
    func insertRule(_ rule: Rule, actor: String, auditAction: String, _ db: Database) throws -> Rule {
        let (matchKind, matchValue): (String, String?) =
            switch rule.match {
            case .number(let number): ("number", number.description)
            case .prefix(let digits): ("prefix", digits)
            case .unidentified: ("unidentified", nil)
            }
        // Ids come from the `rule_ids` sequence, never from the rowid (which SQLite reuses after the
        // highest row is deleted): a removed rule's id is never handed out again.
        guard let nextID = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    UPDATE rule_ids SET last_id = max(last_id, (SELECT coalesce(max(id), 0) FROM rules)) + 1
                    WHERE id = 1 RETURNING last_id
                    """))
        else { throw SQLiteStoreError(code: .database, message: "the rule id sequence is missing") }
        let ids = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    INSERT INTO rules (
                        id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at,
                        expires_at, origin, schedule)
                    VALUES (?, ?, \(FullLengthText.placeholder), \(FullLengthText.placeholder), ?, \(FullLengthText.placeholder),
                            \(FullLengthText.placeholder), \(FullLengthText.placeholder), ?, ?, ?, ?)
                    RETURNING id
                    """),
            arguments: [
                nextID, matchKind, FullLengthText.argument(matchValue), FullLengthText.argument(rule.scope), rule.action.name,
                FullLengthText.argument(rule.action.redirectTarget), FullLengthText.argument(rule.reason),
                FullLengthText.argument(rule.createdBy), rule.createdAt.microsecondsSinceEpoch, rule.expiresAt?.microsecondsSinceEpoch,
                rule.origin.rawValue, rule.schedule?.description,
            ])
        guard let id = ids.first else {
            throw SQLiteStoreError(code: .database, message: "inserting a rule returned no id")
        }
        var stored = rule
        stored.id = id
        try appendAudit(
            AuditEntry(
                time: rule.createdAt, actor: actor, action: auditAction, subject: "rule \(id)",
                detail: Self.summary(of: stored) + ": " + rule.reason),
            db)
        return stored
    }

    func appendAudit(_ entry: AuditEntry, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (time, actor, action, subject, detail)
                VALUES (?, \(FullLengthText.placeholder), ?, \(FullLengthText.placeholder), \(FullLengthText.placeholder))
                """
        ).execute(arguments: [
            entry.time.microsecondsSinceEpoch, FullLengthText.argument(entry.actor), entry.action,
            FullLengthText.argument(entry.subject), FullLengthText.argument(entry.detail),
        ])
    }

    /// `block +447700900123 scope 1001 until 2024-01-15T14:30:22Z`: what a rule does, for audit details.
    static func summary(of rule: Rule) -> String {
        var text = rule.action.name
        if let target = rule.action.redirectTarget { text += " to " + target }
        text += " " + rule.match.text
        if let scope = rule.scope { text += " scope " + scope }
        if let schedule = rule.schedule { text += " during " + schedule.description }
        if let expiresAt = rule.expiresAt { text += " until " + expiresAt.rfc3339 }
        return text
    }

    /// A rule from a row with ``ruleColumns`` in order (text whole, NUL included: ``FullLengthText``).
    static func rule(from row: Row) throws -> Rule {
        let matchKind: String = try row.decode(atIndex: 1)
        let matchValue: String? = try row.fullText(atIndex: 2)
        let match: RuleMatch
        switch (matchKind, matchValue) {
        case ("number", let value?):
            guard let number = try StoredValue.number(value, column: "rules.match_value") else {
                throw SQLiteStoreError(code: .invalidData, message: "rules.match_value is empty")
            }
            match = .number(number)
        case ("prefix", let value?) where !value.isEmpty && value.allSatisfy(\.isASCIIDigit):
            match = .prefix(value)
        case ("unidentified", nil):
            match = .unidentified
        default:
            throw SQLiteStoreError(code: .invalidData, message: "rules.match_kind and rules.match_value disagree")
        }
        let actionName: String = try row.decode(atIndex: 4)
        let redirectTarget: String? = try row.fullText(atIndex: 5)
        let action: RuleAction
        switch (actionName, redirectTarget) {
        case ("allow", nil): action = .allow
        case ("block", nil): action = .block
        case ("flag", nil): action = .flag
        case ("redirect", let target?): action = .redirect(to: target)
        default:
            throw SQLiteStoreError(code: .invalidData, message: "rules.action and rules.redirect_target disagree")
        }
        var schedule: RuleSchedule?
        if let text: String = try row.decode(atIndex: 11) {
            do {
                schedule = try RuleSchedule(parsing: text)
            } catch {
                throw SQLiteStoreError(code: .invalidData, message: "rules.schedule: \(error.reason)")
            }
        }
        return Rule(
            id: try row.decode(atIndex: 0),
            match: match,
            scope: try row.fullText(atIndex: 3),
            action: action,
            reason: try row.fullText(atIndex: 6) ?? "",
            createdBy: try row.fullText(atIndex: 7) ?? "",
            createdAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 8)),
            expiresAt: StoredValue.timestamp(try row.decode(atIndex: 9)),
            origin: try StoredValue.decode(row.decode(atIndex: 10), as: RuleOrigin.self, column: "rules.origin"),
            schedule: schedule)
    }
}
