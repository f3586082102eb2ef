import GRDB

extension StoreSchema {
    /// The name of the migration that adds the history of rules to the evidence chain.
    static let ruleHistoryChainMigration = "evidence-3-rule-history"

    /// `rule_history` (migration `house-rule-history`): every removed rule as it was, who removed
    /// it, when, why, and whether it was a false positive. Chained so that an auditor can show that
    /// the history of a block (added, corrected, removed as a false positive) was not edited: the
    /// rule's own insert and delete entries (table `rules`) and these rows together are its life.
    static let ruleHistoryChain = ChainedTable(
        name: "rule_history", keyExpression: "$id", keyColumns: ["id"],
        columns: [
            "id", "rule_id", "match_kind", "match_value", "scope", "action", "redirect_target", "reason", "created_by",
            "created_at", "expires_at", "origin", "schedule", "removed_by", "removed_at", "removal_reason", "false_positive",
        ],
        coveredWhen: nil)

    /// `escalation_resets` (migration `house-rule-history`): a number whose offences were forgotten
    /// because its block was a false positive — the other half of that correction.
    static let escalationResetsChain = ChainedTable(
        name: "escalation_resets", keyExpression: "$id", keyColumns: ["id"],
        columns: ["id", "identity", "reset_at", "actor", "reason"], coveredWhen: nil)

    /// The tables migration `evidence-3-rule-history` chains.
    static let ruleCorrectionChains = [ruleHistoryChain, escalationResetsChain]

    /// Chains `rule_history` and `escalation_resets`: their three triggers each, and the rows they
    /// hold already, in id order (the first entry format, as shipped).
    static func chainRuleHistory(_ db: Database) throws {
        for table in ruleCorrectionChains {
            try createLegacyChainTriggers(table, db)
            try chainExistingRowsLegacy(table, db)
        }
    }

    /// `rule_history_no_delete` as migration `house-rule-history` made it. A data subject's erasure
    /// drops it inside its own transaction, deletes the history rows naming the number (each with
    /// its chain `delete` entry) and makes it again before the commit, so no other connection ever
    /// sees the history deletable.
    static let ruleHistoryNoDelete = (
        name: "rule_history_no_delete",
        sql: """
            CREATE TRIGGER rule_history_no_delete BEFORE DELETE ON rule_history
            BEGIN SELECT RAISE(ABORT, 'rule_history is append-only'); END;
            """)
}
