package import CallModel
package import CallwardenPorts
import Incidents
import NIOCore
import PostgresNIO

// MARK: - Correcting rules: history, false positives, a rule's detail

extension PostgresStore: RuleCorrectionStore {
    /// The columns ``removedRule(from:)`` reads from `rule_history`: the rule's (as ``rule(from:)``
    /// reads them, its id first), then the removal's.
    private static let removedRuleColumns = """
        rule_id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at, \
        expires_at, origin, schedule, removed_by, removed_at, removal_reason, false_positive
        """

    /// Removes the rules `removal` names (by id: that rule; by number: every rule in force on that
    /// exact number, allow entries excepted), each kept in `rule_history` with who, when and why
    /// and a `rule.remove` audit entry, as `SQLiteStore` does. A false positive also, in the same
    /// transaction: resets the number's escalation (`escalation_resets`, whose insert raises the
    /// rules revision and notifies every node), adds an `allow` rule for the number unless one is in
    /// force, and closes the number's open incidents with the outcome `false-positive` (the
    /// ledger's close, so a resolved alert goes out).
    ///
    /// Across nodes: the rules removed are locked (`FOR UPDATE`) before anything is written, so two
    /// nodes removing the same rule at once remove it once (the second finds nothing); a false
    /// positive also takes a transaction-scoped advisory lock on the number, so two at once add one
    /// allow entry.
    /// - Throws: ``RuleCorrectionError`` (nothing found, a false positive on a rule without a
    ///   number, an empty actor or reason), ``IncidentChangeError`` (a false positive's reason too
    ///   long for the closing note) or ``PostgresStoreError``; nothing is changed then.
    package func removeRules(_ removal: RuleRemoval) throws -> RuleRemovalOutcome {
        let actor = removal.actor.trimmingSpaces
        let reason = removal.reason.trimmingSpaces
        guard !actor.isEmpty else { throw RuleCorrectionError.missing("by") }
        guard !reason.isEmpty else { throw RuleCorrectionError.missing("reason") }
        let outcome = try session.transaction(refusing: { $0 is RuleCorrectionError || $0 is IncidentChangeError }) { transaction in
            try removeRules(removal, actor: actor, reason: reason, transaction)
        }
        if !outcome.closedIncidentIDs.isEmpty { onAlertCommitted?() }
        return outcome
    }

    private func removeRules(
        _ removal: RuleRemoval, actor: String, reason: String, _ transaction: PostgresSession.Transaction
    ) throws -> RuleRemovalOutcome {
        if removal.falsePositive, case .number(let number) = removal.selector {
            try Self.lockFalsePositive(number, transaction)
        }
        let rules: [Rule]
        switch removal.selector {
        case .id(let id):
            rules = try transaction.rows("SELECT \(unescaped: Self.ruleColumns) FROM rules WHERE id = \(id) FOR UPDATE")
                .map(Self.rule(from:))
        case .number(let number):
            rules = try transaction.rows(
                """
                SELECT \(unescaped: Self.ruleColumns) FROM rules
                WHERE match_kind = 'number' AND match_value = \(number.description) AND action <> 'allow' ORDER BY id FOR UPDATE
                """
            ).map(Self.rule(from:))
        }
        let number = try removal.checked(rules)
        if let number, case .id = removal.selector {
            try Self.lockFalsePositive(number, transaction)
        }
        for rule in rules {
            let id = rule.id ?? 0
            try transaction.execute(
                """
                INSERT INTO rule_history (
                    rule_id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at,
                    expires_at, origin, schedule, removed_by, removed_at, removal_reason, false_positive)
                SELECT id, match_kind, match_value, scope, action, redirect_target, reason, created_by, created_at,
                       expires_at, origin, schedule, \(ByteBuffer(string: actor)), \(removal.time.microsecondsSinceEpoch),
                       \(ByteBuffer(string: reason)), \(removal.falsePositive)
                FROM rules WHERE id = \(id)
                """)
            try transaction.execute("DELETE FROM rules WHERE id = \(id)")
            try Self.appendAudit(
                AuditEntry(
                    time: removal.time, actor: actor, action: removal.falsePositive ? "rule.remove.false-positive" : "rule.remove",
                    subject: "rule \(id)", detail: Self.summary(of: rule) + ": " + reason),
                transaction)
        }
        guard let number else { return RuleRemovalOutcome(removed: rules) }

        try transaction.execute(
            """
            INSERT INTO escalation_resets (identity, reset_at, actor, reason)
            VALUES (\(number.description), \(removal.time.microsecondsSinceEpoch), \(ByteBuffer(string: actor)),
                \(ByteBuffer(string: reason)))
            """)
        try Self.appendAudit(
            AuditEntry(
                time: removal.time, actor: actor, action: "escalation.reset", subject: number.description,
                detail: "false positive: " + reason),
            transaction)
        var allowRule: Rule?
        let alreadyAllowed = try transaction.rows(
            """
            SELECT EXISTS (SELECT 1 FROM rules WHERE match_kind = 'number' AND match_value = \(number.description)
                AND action = 'allow' AND scope IS NULL AND schedule IS NULL
                AND (expires_at IS NULL OR expires_at > \(removal.time.microsecondsSinceEpoch)))
            """
        ).first?.decode(Bool.self) ?? false
        if !alreadyAllowed {
            allowRule = try Self.insertRule(
                Rule(
                    match: .number(number), action: .allow, reason: "false positive: " + reason, createdBy: actor,
                    createdAt: removal.time, origin: .manual),
                actor: actor, auditAction: "rule.add", transaction)
        }
        var closed: [Int64] = []
        let open = try transaction.rows(
            "SELECT id FROM incidents WHERE identity = \(ByteBuffer(string: number.description)) AND status <> 'closed' ORDER BY id"
        ).map { try $0.decode(Int64.self) }
        for id in open {
            // The row is locked (`FOR UPDATE`) by the read; a status change on another node waits.
            guard let state = try Self.incidentState(id: id, transaction), state.status != .closed else { continue }
            // A reason too long for an incident's note is refused here, as in SQLite (nothing written).
            let change = try StatusChange(incidentID: id, to: .closed, actor: actor, note: "false positive: " + reason, at: removal.time)
            let plan = try ledger.plan(change, incident: state)
            _ = try execute(plan, transaction)
            try transaction.execute("UPDATE incidents SET outcome = 'false-positive' WHERE id = \(id)")
            closed.append(id)
        }
        return RuleRemovalOutcome(removed: rules, allowRule: allowRule, closedIncidentIDs: closed, escalationReset: true)
    }

    /// Serialises false positives on one number across nodes (a transaction-scoped advisory lock on
    /// a hash of the number), so two at once do not both find no allow entry and both add one.
    private static func lockFalsePositive(_ number: E164Number, _ transaction: PostgresSession.Transaction) throws {
        try transaction.execute("SELECT pg_advisory_xact_lock(hashtextextended(\("callwarden-false-positive " + number.description), 0))")
    }

    /// Removed rules of every node, newest removal first.
    package func removedRules(limit: Int) throws -> [RemovedRule] {
        try session.query(
            """
            SELECT \(unescaped: Self.removedRuleColumns) FROM rule_history
            ORDER BY removed_at DESC, id DESC LIMIT \(Int64(max(0, limit)))
            """
        ).map(Self.removedRule(from:))
    }

    /// Escalation resets at or after `time`, oldest first; a row whose identity is not an E.164
    /// number is skipped, as SQLite's read skips one.
    package func escalationResets(since time: Timestamp) throws -> [EscalationReset] {
        try session.query(
            """
            SELECT identity, reset_at, actor, reason FROM escalation_resets
            WHERE reset_at >= \(time.microsecondsSinceEpoch) ORDER BY reset_at, id
            """
        ).compactMap { row in
            let (identity, resetAt, actor, reason) = try row.decode((String, Int64, ByteBuffer, ByteBuffer).self)
            guard let number = E164Number(e164: identity) else { return nil }
            return EscalationReset(
                identity: number, time: Timestamp(microsecondsSinceEpoch: resetAt), actor: String(buffer: actor),
                reason: String(buffer: reason))
        }
    }

    /// Every rule `selector` names, in force, expired or removed, oldest first, with the
    /// detections whose block or redirect made it, their incidents (or the number's) and its hits,
    /// as `SQLiteStore` reads them; in one read-only transaction that sees one snapshot (a rule
    /// removed meanwhile on another node is found once, in force or in the history).
    /// Deliberately not counted: answers not stored (`dry_run`, unauthenticated questions).
    package func ruleDetails(_ selector: RuleSelector) throws -> [RuleDetail] {
        try session.transaction { transaction in
            try transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            var found: [(Rule, RemovedRule?)] = []
            switch selector {
            case .id(let id):
                found += try transaction.rows("SELECT \(unescaped: Self.ruleColumns) FROM rules WHERE id = \(id)")
                    .map { (try Self.rule(from: $0), nil) }
                found += try transaction.rows("SELECT \(unescaped: Self.removedRuleColumns) FROM rule_history WHERE rule_id = \(id)")
                    .map { row in
                        let removed = try Self.removedRule(from: row)
                        return (removed.rule, removed)
                    }
            case .number(let number):
                found += try transaction.rows(
                    """
                    SELECT \(unescaped: Self.ruleColumns) FROM rules
                    WHERE match_kind = 'number' AND match_value = \(number.description)
                    """
                ).map { (try Self.rule(from: $0), nil) }
                found += try transaction.rows(
                    """
                    SELECT \(unescaped: Self.removedRuleColumns) FROM rule_history
                    WHERE match_kind = 'number' AND match_value = \(number.description)
                    """
                ).map { row in
                    let removed = try Self.removedRule(from: row)
                    return (removed.rule, removed)
                }
            }
            found.sort { ($0.0.id ?? 0) < ($1.0.id ?? 0) }
            return try found.map { rule, removal in try Self.detail(of: rule, removal: removal, transaction) }
        }
    }

    private static func detail(of rule: Rule, removal: RemovedRule?, _ transaction: PostgresSession.Transaction) throws -> RuleDetail {
        var detections: [Detection] = []
        var incidentIDs: [Int64] = []
        if case .number(let number) = rule.match, rule.origin == .detection {
            let rows = try transaction.rows(
                """
                SELECT \(unescaped: detectionColumns), incident_id FROM detections
                WHERE caller = \(number.description) AND action = \(rule.action.name)
                  AND action_expires IS NOT DISTINCT FROM \(rule.expiresAt?.microsecondsSinceEpoch)
                ORDER BY first_time, id
                """)
            for row in rows {
                detections.append(try detection(from: row))
                if let incidentID = try row.makeRandomAccess()[11].decode(Int64?.self) { incidentIDs.append(incidentID) }
            }
        }
        if incidentIDs.isEmpty, case .number(let number) = rule.match {
            incidentIDs = try transaction.rows(
                "SELECT id FROM incidents WHERE identity = \(ByteBuffer(string: number.description)) ORDER BY id"
            ).map { try $0.decode(Int64.self) }
        }
        var incidents: [RuleIncident] = []
        for id in Set(incidentIDs).sorted() {
            guard let row = try transaction.rows("SELECT id, kind, status, outcome FROM incidents WHERE id = \(id)").first else { continue }
            let (id, kind, status, outcome) = try row.decode((Int64, String, String, String?).self)
            incidents.append(RuleIncident(id: id, kind: kind, status: status, outcome: outcome))
        }
        // Calls the rule decided: stored decision questions whose answer named it, each call once
        // however many questions it asked (any node's).
        let hits = try transaction.rows(
            "SELECT count(DISTINCT call_id), max(time) FROM call_events WHERE decision_rule = \(rule.id ?? 0)"
        ).first?.decode((Int64, Int64?).self)
        return RuleDetail(
            rule: rule, removal: removal, detections: detections, incidents: incidents, hits: Int(hits?.0 ?? 0),
            lastHit: hits?.1.map(Timestamp.init(microsecondsSinceEpoch:)))
    }

    private static func removedRule(from row: PostgresRow) throws -> RemovedRule {
        let columns = row.makeRandomAccess()
        return RemovedRule(
            rule: try rule(from: row),
            removedBy: String(buffer: try columns[12].decode(ByteBuffer.self)),
            removedAt: Timestamp(microsecondsSinceEpoch: try columns[13].decode(Int64.self)),
            reason: String(buffer: try columns[14].decode(ByteBuffer.self)),
            falsePositive: try columns[15].decode(Bool.self))
    }
}
