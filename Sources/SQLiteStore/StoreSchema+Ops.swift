import GRDB

extension StoreSchema {
    static let opsHistoryMigration = "ops-history-cutoff"

    /// A CDR file's history import (`start: beginning`): `tail_checkpoints.history_cutoff` and
    /// `history_end` (the import's time and where the history ends; NULL outside an import), and
    /// `historical_detections`: episodes of an import that ended before that time — kept, with no
    /// incident and no alert (an episode that goes on later moves to `detections`).
    static func opsHistory(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE tail_checkpoints ADD COLUMN history_cutoff INTEGER;
                ALTER TABLE tail_checkpoints ADD COLUMN history_end INTEGER;
                CREATE TABLE historical_detections (
                    episode_key TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    caller TEXT,
                    callers TEXT NOT NULL,
                    target TEXT NOT NULL,
                    calls INTEGER NOT NULL,
                    first_time INTEGER NOT NULL,
                    last_time INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    action_expires INTEGER,
                    offence INTEGER NOT NULL,
                    call_ids TEXT NOT NULL
                );
                """)
    }
}
