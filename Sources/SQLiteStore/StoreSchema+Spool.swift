import GRDB

extension StoreSchema {
    /// The migration that adds the local spool of pushed events (a site node's outage buffer).
    static let pushedSpoolMigration = "pushed-event-spool"

    /// `pushed_spool`: pushed call events a site node accepted while the shared PostgreSQL was
    /// unreachable, oldest first by `id`, with the columns of `call_events` (written and read by the
    /// same code). Deliberately without the enum `CHECK`s, triggers and evidence chain of
    /// `call_events`: rows here are not evidence yet; they become evidence when the shared store
    /// takes them, and are deleted here then. `AUTOINCREMENT` keeps ids growing after the table
    /// empties, so a position handed out is never reused.
    static func pushedSpool(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pushed_spool (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time INTEGER NOT NULL,
                    call_id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    disposition TEXT,
                    call_start INTEGER,
                    duration_us INTEGER,
                    talk_time_us INTEGER,
                    caller_raw TEXT NOT NULL,
                    caller_e164 TEXT,
                    caller_extension TEXT,
                    caller_name TEXT,
                    asserted_identity TEXT,
                    presentation_restricted INTEGER NOT NULL,
                    callee_raw TEXT NOT NULL,
                    callee_key TEXT NOT NULL,
                    counted_time INTEGER NOT NULL,
                    counted_identity TEXT,
                    decision_action TEXT,
                    decision_target TEXT,
                    decision_rule INTEGER,
                    decision_reason TEXT
                );
                """)
    }
}
