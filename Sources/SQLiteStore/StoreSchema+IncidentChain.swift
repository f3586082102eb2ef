import GRDB

extension StoreSchema {
    /// The name of the migration that adds the incidents and the MCID withdrawals to the evidence chain.
    static let incidentChainMigration = "evidence-4-incidents-withdrawals"

    /// `incidents`: the incident row itself — who and what it is about (kind, identity, target),
    /// its severity, status and times, its detection count, alert bookkeeping, withheld mark and
    /// outcome. Chained so that an edit of the row (a status set back, an outcome or a target
    /// changed) is found by `evidence verify`, not only the log entries that should go with it.
    /// Every column is hashed: the store writes the row with one statement per change (see
    /// `SQLiteStore.execute(_:_:)`), so each change is one entry.
    static let incidentsChain = ChainedTable(
        name: "incidents", keyExpression: "$id", keyColumns: ["id"],
        columns: [
            "id", "kind", "identity", "target", "severity", "status", "opened_at", "updated_at", "detection_count",
            "alerted_action", "last_detection_alert", "suppressed_alerts", "withheld", "outcome",
        ],
        coveredWhen: nil)

    /// `mcid_withdrawals` (migration `house-rule-history`): a flag withdrawn because it named the
    /// wrong call — who, when, why. Chained like the flag it withdraws, so that a withdrawal slipped
    /// in, removed or reworded behind the store's back is found. Keyed by its flag's id (its
    /// primary key).
    static let mcidWithdrawalsChain = ChainedTable(
        name: "mcid_withdrawals", keyExpression: "$flag_id", keyColumns: ["flag_id"],
        columns: ["flag_id", "withdrawn_at", "withdrawn_by", "reason"], coveredWhen: nil)

    /// The tables migration `evidence-4-incidents-withdrawals` chains.
    static let incidentChains = [incidentsChain, mcidWithdrawalsChain]

    /// Chains `incidents` and `mcid_withdrawals`: their three triggers each, and the rows they hold
    /// already, in key order.
    static func chainIncidents(_ db: Database) throws {
        for table in incidentChains {
            try createChainTriggers(table, db)
            try chainExistingRows(table, db)
        }
    }
}
