import GRDB

extension StoreSchema {
    /// The migration that adds the review of automatic blocks (append-only).
    static let ruleReviewMigration = "console2-rule-review"

    /// `rule_reviews`: one row per approval of an automatic block (who, when, why); the newest per
    /// rule counts. No foreign key: a removed rule's reviews stay, as its history does (ids are never reused).
    static func ruleReview(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE rule_reviews (
                    id INTEGER PRIMARY KEY,
                    rule_id INTEGER NOT NULL,
                    reviewed_by TEXT NOT NULL,
                    reviewed_at INTEGER NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX rule_reviews_by_rule ON rule_reviews (rule_id);
                """)
    }
}
