import GRDB

/// The `house-` migrations: correcting a wrong block (issue 10, "Correcting a mistake").
/// Registered at the end of ``StoreSchema/migrator``; append-only like every migration.
extension StoreSchema {
    /// Rule ids that are never reused, removed rules kept as history, escalation resets, and an
    /// incident's outcome.
    ///
    /// - `rule_ids`: one row, the last rule id handed out (a sequence: PostgreSQL's would be a
    ///   `SEQUENCE`). `rules.id` is a rowid alias, which SQLite reuses after the highest row is
    ///   deleted; the store takes ids from here instead. Seeded with the highest id ever seen: in
    ///   `rules` or named by an audit entry (`rule 12`), so ids removed before this migration are
    ///   not handed out again either.
    /// - `rule_history`: a removed rule as it was, with who removed it, when and why, and whether
    ///   it was a false positive. Append-only: triggers refuse UPDATE and DELETE (so that it can be hash-chained).
    /// - `escalation_resets`: an identity whose offences were forgotten at a time (a false
    ///   positive), read by the rules refresher and the warm-up; an insert raises the rules
    ///   revision, so a running daemon picks it up with the rules.
    /// - `incidents.outcome`: why a closed incident was closed, when it is known
    ///   (`false-positive`).
    /// - `mcid_withdrawals`: a flag withdrawn because it named the wrong call (who, when, why);
    ///   the flag itself stays as it was. Never changed; deleted only with its flag (a purge or
    ///   erasure of the incident), by a trigger.
    static func houseRuleHistory(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE rule_ids (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_id INTEGER NOT NULL CHECK (last_id >= 0)
                );
                INSERT INTO rule_ids (id, last_id) VALUES (1, max(
                    coalesce((SELECT max(id) FROM rules), 0),
                    coalesce((SELECT max(CAST(substr(subject, 6) AS INTEGER)) FROM audit_log WHERE subject LIKE 'rule %'), 0)));

                CREATE TABLE rule_history (
                    id INTEGER PRIMARY KEY,
                    rule_id INTEGER NOT NULL,
                    match_kind TEXT NOT NULL CHECK (match_kind IN ('number', 'prefix', 'unidentified')),
                    match_value TEXT,
                    scope TEXT,
                    action TEXT NOT NULL CHECK (action IN ('allow', 'block', 'redirect', 'flag')),
                    redirect_target TEXT,
                    reason TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    origin TEXT NOT NULL CHECK (origin IN ('manual', 'detection')),
                    schedule TEXT,
                    removed_by TEXT NOT NULL,
                    removed_at INTEGER NOT NULL,
                    removal_reason TEXT NOT NULL,
                    false_positive INTEGER NOT NULL CHECK (false_positive = 0 OR false_positive = 1)
                );
                CREATE INDEX rule_history_by_rule ON rule_history (rule_id);
                CREATE INDEX rule_history_by_match ON rule_history (match_kind, match_value);
                CREATE TRIGGER rule_history_no_update BEFORE UPDATE ON rule_history
                BEGIN SELECT RAISE(ABORT, 'rule_history is append-only'); END;
                CREATE TRIGGER rule_history_no_delete BEFORE DELETE ON rule_history
                BEGIN SELECT RAISE(ABORT, 'rule_history is append-only'); END;

                CREATE TABLE escalation_resets (
                    id INTEGER PRIMARY KEY,
                    identity TEXT NOT NULL,
                    reset_at INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX escalation_resets_by_time ON escalation_resets (reset_at);
                CREATE TRIGGER rules_revision_on_escalation_reset AFTER INSERT ON escalation_resets
                BEGIN UPDATE rules_revision SET value = value + 1 WHERE id = 1; END;

                ALTER TABLE incidents ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome <> '');

                CREATE TABLE mcid_withdrawals (
                    flag_id INTEGER PRIMARY KEY REFERENCES mcid_flags (id),
                    withdrawn_at INTEGER NOT NULL,
                    withdrawn_by TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE TRIGGER mcid_withdrawals_no_update BEFORE UPDATE ON mcid_withdrawals
                BEGIN SELECT RAISE(ABORT, 'mcid_withdrawals is never changed'); END;
                CREATE TRIGGER mcid_withdrawals_go_with_their_flag BEFORE DELETE ON mcid_flags
                BEGIN DELETE FROM mcid_withdrawals WHERE flag_id = OLD.id; END;
                """)
    }
}
