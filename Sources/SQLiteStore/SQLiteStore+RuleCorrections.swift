package import CallModel
package import CallwardenPorts
import GRDB
import Incidents

// MARK: - Correcting rules: history, false positives, a rule's detail

extension SQLiteStore: RuleCorrectionStore {
    /// The columns ``rule(from:)`` reads after the id, in order: text that people and configuration
    /// give (value, scope, redirect target, reason, author) whole, NUL included (``FullLengthText``).
    static let ruleBodyColumns = """
        match_kind, CAST(match_value AS BLOB), CAST(scope AS BLOB), action, CAST(redirect_target AS BLOB), \
        CAST(reason AS BLOB), CAST(created_by AS BLOB), created_at, expires_at, origin, schedule
        """

    /// The columns ``rule(from:)`` reads, in order.
    static let ruleColumns = "id, " + ruleBodyColumns

    /// The columns ``removedRule(from:)`` reads from `rule_history`, in order.
    static let removedRuleColumns = """
        rule_id, \(ruleBodyColumns), CAST(removed_by AS BLOB), removed_at, CAST(removal_reason AS BLOB), false_positive
        """

    /// Removes the rules `removal` names (by id: that rule; by number: every rule in force on that
    /// exact number, allow entries excepted), each kept in `rule_history` with who, when and why
    /// and a `rule.remove` audit entry. A false positive also, in the same transaction: resets the
    /// number's escalation (`escalation_resets`, which raises the rules revision the daemon
    /// follows), adds an `allow` rule for the number (the store's allow list: not counted until ops
    /// remove that rule) unless one is in force, and closes the number's open incidents with the
    /// outcome `false-positive` (the ledger's close, so a resolved alert goes out).
    /// - Throws: ``RuleCorrectionError`` (nothing found, a false positive on a rule without a
    ///   number, an empty actor or reason) or ``SQLiteStoreError``; nothing is changed then.
    package func removeRules(_ removal: RuleRemoval) throws -> RuleRemovalOutcome {
        let actor = removal.actor.trimmingSpaces
        let reason = removal.reason.trimmingSpaces
        guard !actor.isEmpty else { throw RuleCorrectionError.missing("by") }
        guard !reason.isEmpty else { throw RuleCorrectionError.missing("reason") }
        return try write { db in try removeRules(removal, actor: actor, reason: reason, db) }
    }

    private func removeRules(_ removal: RuleRemoval, actor: String, reason: String, _ db: Database) throws -> RuleRemovalOutcome {
        let rules: [Rule]
        switch removal.selector {
        case .id(let id):
            rules = try Row.fetchAll(db, sql: "SELECT \(Self.ruleColumns) FROM rules WHERE id = ?", arguments: [id])
                .map(Self.rule(from:))
        case .number(let number):
            rules = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.ruleColumns) FROM rules
                    WHERE match_kind = 'number' AND match_value = ? AND action <> 'allow' ORDER BY id
                    """,
                arguments: [number.description]
            ).map(Self.rule(from:))
        }
        let number = try removal.checked(rules)
        for rule in rules {
            try appendHistory(rule, actor: actor, reason: reason, falsePositive: removal.falsePositive, at: removal.time, db)
            try db.execute(sql: "DELETE FROM rules WHERE id = ?", arguments: [rule.id])
            try appendAudit(
                AuditEntry(
                    time: removal.time, actor: actor, action: removal.falsePositive ? "rule.remove.false-positive" : "rule.remove",
                    subject: "rule \(rule.id ?? 0)", detail: Self.summary(of: rule) + ": " + reason),
                db)
        }
        guard let number else { return RuleRemovalOutcome(removed: rules) }

        try db.execute(
            sql: """
                INSERT INTO escalation_resets (identity, reset_at, actor, reason)
                VALUES (?, ?, \(FullLengthText.placeholder), \(FullLengthText.placeholder))
                """,
            arguments: [
                number.description, removal.time.microsecondsSinceEpoch, FullLengthText.argument(actor),
                FullLengthText.argument(reason),
            ])
        try appendAudit(
            AuditEntry(
                time: removal.time, actor: actor, action: "escalation.reset", subject: number.description,
                detail: "false positive: " + reason),
            db)
        var allowRule: Rule?
        let alreadyAllowed = try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM rules WHERE match_kind = 'number' AND match_value = ? AND action = 'allow'
                               AND scope IS NULL AND schedule IS NULL AND (expires_at IS NULL OR expires_at > ?))
                """,
            arguments: [number.description, removal.time.microsecondsSinceEpoch]) ?? false
        if !alreadyAllowed {
            allowRule = try insertRule(
                Rule(
                    match: .number(number), action: .allow, reason: "false positive: " + reason, createdBy: actor,
                    createdAt: removal.time, origin: .manual),
                actor: actor, auditAction: "rule.add", db)
        }
        var closed: [Int64] = []
        let open = try Int64.fetchAll(
            db, sql: "SELECT id FROM incidents WHERE identity = ? AND status <> 'closed' ORDER BY id",
            arguments: [number.description])
        for id in open {
            let change = try StatusChange(
                incidentID: id, to: .closed, actor: actor, note: "false positive: " + reason, at: removal.time)
            _ = try execute(try ledger.plan(change, incident: try incidentState(id: id, db)), db)
            try db.execute(sql: "UPDATE incidents SET outcome = 'false-positive' WHERE id = ?", arguments: [id])
            closed.append(id)
        }
        return RuleRemovalOutcome(removed: rules, allowRule: allowRule, closedIncidentIDs: closed, escalationReset: true)
    }

    private func appendHistory(
        _ rule: Rule, actor: String, reason: String, falsePositive: Bool, at time: Timestamp, _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO rule_history (
                    rule_id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at,
                    expires_at, origin, schedule, removed_by, removed_at, removal_reason, false_positive)
                SELECT id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at,
                       expires_at, origin, schedule, \(FullLengthText.placeholder), ?, \(FullLengthText.placeholder), ?
                FROM rules WHERE id = ?
                """,
            arguments: [
                FullLengthText.argument(actor), time.microsecondsSinceEpoch, FullLengthText.argument(reason), falsePositive ? 1 : 0,
                rule.id,
            ])
    }

    /// Removed rules, newest removal first.
    package func removedRules(limit: Int) throws -> [RemovedRule] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.removedRuleColumns) FROM rule_history ORDER BY removed_at DESC, id DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map(Self.removedRule(from:))
        }
    }

    /// Escalation resets at or after `time`, oldest first.
    package func escalationResets(since time: Timestamp) throws -> [EscalationReset] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT identity, reset_at, CAST(actor AS BLOB), CAST(reason AS BLOB) FROM escalation_resets
                    WHERE reset_at >= ? ORDER BY reset_at, id
                    """,
                arguments: [time.microsecondsSinceEpoch]
            ).compactMap { row in
                guard let identity = try StoredValue.number(row.decode(atIndex: 0), column: "escalation_resets.identity")
                else { return nil }
                return EscalationReset(
                    identity: identity, time: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 1)),
                    actor: try row.fullText(atIndex: 2) ?? "", reason: try row.fullText(atIndex: 3) ?? "")
            }
        }
    }

    /// Every rule `selector` names, in force, expired or removed, oldest first, with:
    /// - the detections whose block or redirect made it (automatic rules: same number, action and
    ///   end), with their calls;
    /// - the incidents of those detections, or of the rule's number;
    /// - its hits: the calls it decided (decision questions whose answer named it, one per call).
    ///   Deliberately not counted: answers not stored (`dry_run`, unauthenticated questions).
    package func ruleDetails(_ selector: RuleSelector) throws -> [RuleDetail] {
        try read { db in
            var found: [(Rule, RemovedRule?)] = []
            let (condition, historyCondition, argument): (String, String, any DatabaseValueConvertible) =
                switch selector {
                case .id(let id): ("id = ?", "rule_id = ?", id)
                case .number(let number):
                    ("match_kind = 'number' AND match_value = ?", "match_kind = 'number' AND match_value = ?", number.description)
                }
            found += try Row.fetchAll(db, sql: "SELECT \(Self.ruleColumns) FROM rules WHERE \(condition)", arguments: [argument])
                .map { (try Self.rule(from: $0), nil) }
            found += try Row.fetchAll(
                db,
                sql: "SELECT \(Self.removedRuleColumns) FROM rule_history WHERE \(historyCondition)",
                arguments: [argument]
            ).map { row in
                let removed = try Self.removedRule(from: row)
                return (removed.rule, removed)
            }
            found.sort { ($0.0.id ?? 0) < ($1.0.id ?? 0) }
            return try found.map { rule, removal in try detail(of: rule, removal: removal, db) }
        }
    }

    private func detail(of rule: Rule, removal: RemovedRule?, _ db: Database) throws -> RuleDetail {
        var detections: [Detection] = []
        var incidentIDs: [Int64] = []
        if case .number(let number) = rule.match, rule.origin == .detection {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.detectionColumns), incident_id
                    FROM detections WHERE caller = ? AND action = ? AND action_expires IS ? ORDER BY first_time, id
                    """,
                arguments: [number.description, rule.action.name, rule.expiresAt?.microsecondsSinceEpoch])
            for row in rows {
                detections.append(try Self.detection(from: row))
                incidentIDs.append(try row.decode(atIndex: 11))
            }
        }
        if incidentIDs.isEmpty, case .number(let number) = rule.match {
            incidentIDs = try Int64.fetchAll(
                db, sql: "SELECT id FROM incidents WHERE identity = ? ORDER BY id", arguments: [number.description])
        }
        var incidents: [RuleIncident] = []
        for id in Set(incidentIDs).sorted() {
            guard let row = try Row.fetchOne(db, sql: "SELECT id, kind, status, outcome FROM incidents WHERE id = ?", arguments: [id])
            else { continue }
            incidents.append(
                RuleIncident(id: try row.decode(atIndex: 0), kind: try row.decode(atIndex: 1), status: try row.decode(atIndex: 2),
                             outcome: try row.decode(atIndex: 3)))
        }
        let (hits, lastHit) = try Self.hits(of: rule, db)
        return RuleDetail(rule: rule, removal: removal, detections: detections, incidents: incidents, hits: hits, lastHit: lastHit)
    }

    /// Calls the rule decided: stored decision questions whose answer named it (`decision_rule`),
    /// each call once however many questions it asked.
    private static func hits(of rule: Rule, _ db: Database) throws -> (Int, Timestamp?) {
        let row = try Row.fetchOne(
            db, sql: "SELECT count(DISTINCT call_id), max(time) FROM call_events WHERE decision_rule = ?", arguments: [rule.id])
        let count: Int = try row?.decode(atIndex: 0) ?? 0
        let last: Int64? = try row?.decode(atIndex: 1)
        return (count, last.map(Timestamp.init(microsecondsSinceEpoch:)))
    }

    private static func removedRule(from row: Row) throws -> RemovedRule {
        RemovedRule(
            rule: try rule(from: row),
            removedBy: try row.fullText(atIndex: 12) ?? "",
            removedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 13)),
            reason: try row.fullText(atIndex: 14) ?? "",
            falsePositive: (try row.decode(Int64.self, atIndex: 15)) == 1)
    }
}
