package import CallModel
package import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - Rules and the audit log

extension PostgresStore: RuleStore {
    static let ruleColumns = """
        id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at, \
        expires_at, origin, schedule
        """

    /// Rules in id order (ids grow with insertion); those expired at `time` only when `includeExpired`.
    package func rules(activeAt time: Timestamp, includeExpired: Bool) throws -> [Rule] {
        let rows = try session.query(
            """
            SELECT \(unescaped: Self.ruleColumns) FROM rules
            WHERE \(includeExpired) OR expires_at IS NULL OR expires_at > \(time.microsecondsSinceEpoch) ORDER BY id
            """)
        return try rows.map(Self.rule(from:))
    }

    /// The revision the rule triggers raise with every change, in the changing transaction.
    package func rulesRevision() throws -> Int64 {
        try session.query("SELECT value FROM rules_revision WHERE id = 1").first?.decode(Int64.self) ?? 0
    }

    /// Stores a new rule (its own `id` ignored) and a `rule.add` audit entry in one transaction.
    ///
    /// - Throws: ``PostgresStoreError`` with `.constraintViolation` for a rule the schema refuses.
    package func addRule(_ rule: Rule, actor: String) throws -> Rule {
        try session.transaction { transaction in
            try Self.insertRule(rule, actor: actor, auditAction: "rule.add", transaction)
        }
    }

    /// Moves a rule into `rule_history` with who, when and why, and writes a `rule.remove` audit
    /// entry, in one transaction (``removeRules(_:)`` by id); false when no rule had that id.
    ///
    /// - Throws: ``CallwardenPorts/RuleCorrectionError/missing(_:)`` for an empty actor or reason.
    package func removeRule(id: Int64, actor: String, reason: String, at time: Timestamp) throws -> Bool {
        do {
            _ = try removeRules(RuleRemoval(selector: .id(id), actor: actor, reason: reason, falsePositive: false, time: time))
            return true
        } catch RuleCorrectionError.notFound {
            return false
        }
    }

    /// The audit log, newest first (by time, then by insertion).
    package func auditLog(limit: Int) throws -> [AuditEntry] {
        let rows = try session.query(
            "SELECT time, actor, action, subject, detail FROM audit_log ORDER BY time DESC, id DESC LIMIT \(max(limit, 0))")
        return try rows.map { row in
            let (time, actor, action, subject, detail) = try row.decode((Int64, ByteBuffer, String, ByteBuffer, ByteBuffer).self)
            return AuditEntry(
                time: Timestamp(microsecondsSinceEpoch: time), actor: String(buffer: actor), action: action,
                subject: String(buffer: subject), detail: String(buffer: detail))
        }
    }

    /// Inserts a rule and its audit entry (time: the rule's `createdAt`) inside the caller's transaction.
    static func insertRule(
        _ rule: Rule, actor: String, auditAction: String, _ transaction: PostgresSession.Transaction
    ) throws -> Rule {
        let rows = try transaction.rows(
            """
            INSERT INTO rules (
                match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at,
                expires_at, origin, schedule)
            VALUES (\(matchKind(rule.match)), \(matchValue(rule.match)), \(bytes(rule.scope)), \(rule.action.name),
                \(rule.action.redirectTarget), \(ByteBuffer(string: rule.reason)), \(ByteBuffer(string: rule.createdBy)),
                \(rule.createdAt.microsecondsSinceEpoch),
                \(rule.expiresAt?.microsecondsSinceEpoch), \(rule.origin.rawValue), \(rule.schedule?.description))
            RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else {
            throw PostgresStoreError(code: .database, message: "inserting a rule returned no id")
        }
        var stored = rule
        stored.id = id
        try appendAudit(
            AuditEntry(
                time: rule.createdAt, actor: actor, action: auditAction, subject: "rule \(id)",
                detail: summary(of: stored) + ": " + rule.reason),
            transaction)
        return stored
    }

    static func appendAudit(_ entry: AuditEntry, _ transaction: PostgresSession.Transaction) throws {
        try transaction.execute(
            """
            INSERT INTO audit_log (time, actor, action, subject, detail)
            VALUES (\(entry.time.microsecondsSinceEpoch), \(ByteBuffer(string: entry.actor)), \(entry.action),
                \(ByteBuffer(string: entry.subject)), \(ByteBuffer(string: entry.detail)))
            """)
    }

    /// Text from people, clients or PBXs as `BYTEA`, whole (migration `pg-2-text-whole`); nil stays NULL.
    static func bytes(_ text: String?) -> ByteBuffer? {
        text.map { ByteBuffer(string: $0) }
    }

    private static func matchKind(_ match: RuleMatch) -> String {
        switch match {
        case .number: "number"
        case .prefix: "prefix"
        case .unidentified: "unidentified"
        }
    }

    private static func matchValue(_ match: RuleMatch) -> String? {
        switch match {
        case .number(let number): number.description
        case .prefix(let digits): digits
        case .unidentified: nil
        }
    }

    /// `block +447700900123 scope 1001 until 2024-01-15T14:30:22Z`: what a rule does, for audit
    /// details (the same words as SQLiteStore's, so the audit reads alike on both stores).
    static func summary(of rule: Rule) -> String {
        var text = rule.action.name
        if let target = rule.action.redirectTarget { text += " to " + target }
        text += " " + rule.match.text
        if let scope = rule.scope { text += " scope " + scope }
        if let schedule = rule.schedule { text += " during " + schedule.description }
        if let expiresAt = rule.expiresAt { text += " until " + expiresAt.rfc3339 }
        return text
    }

    static func rule(from row: PostgresRow) throws -> Rule {
        let (id, matchKind, matchValue, scope, actionName, redirectTarget, reason, createdBy, createdAt, expiresAt, origin, scheduleText) =
            try row.decode(
                (Int64, String, String?, ByteBuffer?, String, String?, ByteBuffer, ByteBuffer, Int64, Int64?, String, String?).self)
        let match: RuleMatch
        switch (matchKind, matchValue) {
        case ("number", let value?):
            guard let number = E164Number(e164: value) else {
                throw PostgresStoreError(code: .invalidData, message: "rules.match_value is not an E.164 number")
            }
            match = .number(number)
        case ("prefix", let value?) where !value.isEmpty && value.allSatisfy(\.isASCIIDigit):
            match = .prefix(value)
        case ("unidentified", nil):
            match = .unidentified
        default:
            throw PostgresStoreError(code: .invalidData, message: "rules.match_kind and rules.match_value disagree")
        }
        let action: RuleAction
        switch (actionName, redirectTarget) {
        case ("allow", nil): action = .allow
        case ("block", nil): action = .block
        case ("flag", nil): action = .flag
        case ("redirect", let target?): action = .redirect(to: target)
        default:
            throw PostgresStoreError(code: .invalidData, message: "rules.action and rules.redirect_target disagree")
        }
        var schedule: RuleSchedule?
        if let scheduleText {
            do {
                schedule = try RuleSchedule(parsing: scheduleText)
            } catch {
                throw PostgresStoreError(code: .invalidData, message: "rules.schedule: \(error.reason)")
            }
        }
        guard let origin = RuleOrigin(rawValue: origin) else {
            throw PostgresStoreError(code: .invalidData, message: "rules.origin holds an unknown value")
        }
        return Rule(
            id: id, match: match, scope: scope.map { String(buffer: $0) }, action: action, reason: String(buffer: reason),
            createdBy: String(buffer: createdBy),
            createdAt: Timestamp(microsecondsSinceEpoch: createdAt),
            expiresAt: expiresAt.map(Timestamp.init(microsecondsSinceEpoch:)), origin: origin, schedule: schedule)
    }
}
