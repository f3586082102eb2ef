import GRDB

/// The store's schema as an append-only list of migrations, `"v1"` onwards.
///
/// Rules for editing this file: a migration that has shipped is never changed; a change to the
/// schema is a new migration appended at the end. Migrations are string-literal SQL and never use
/// model types, so that an old migration keeps meaning what it meant when it shipped.
///
/// Portability: the schema is written so that a PostgreSQL store could run the same DDL with small,
/// mechanical changes, listed here so that nobody has to rediscover them:
/// - `INTEGER` holding times (microseconds since the Unix epoch, UTC), durations, ids, counters and
///   64-bit bit patterns becomes `BIGINT` (PostgreSQL's `INTEGER` is 32-bit);
/// - `id INTEGER PRIMARY KEY` (SQLite's rowid alias) becomes `id BIGINT GENERATED ALWAYS AS IDENTITY
///   PRIMARY KEY`;
/// - the 0/1 flag `presentation_restricted` may become `BOOLEAN` (its `CHECK` then goes);
/// - the JSON text lists (`callers`, `call_ids`) may become `JSONB`.
/// Everything else (`CHECK`, partial unique indexes, `ON CONFLICT ... DO UPDATE`, `RETURNING`) is
/// common to both. Column names avoid PostgreSQL's reserved word `offset` (hence `byte_offset`) and
/// the keywords `first` and `last` (hence `first_time`, `last_time`).
///
/// Hot-path note: the enum `CHECK`s of `call_events` are written as `OR` chains, not `IN (...)` lists.
/// Measured with the `sqlite3` 3.40.1 shell on the development machine, inserting 409,600 rows in one
/// statement took 2.0 s with the four `IN` checks and 1.1 s with the same checks as `OR` chains (or
/// with no checks at all); the `OR` form means the same, `NULL` included. The other tables are not on the hot
/// path and keep the readable `IN` form.
///
/// Deliberately not handled: down-migrations (a backup is the way back) and erasing the database on
/// schema change during development.
enum StoreSchema {
    /// The migrator holding every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2-rule-schedules", migrate: v2RuleSchedules)
        migrator.registerMigration("v3-pushed-event-keys", migrate: v3PushedEventKeys)
        migrator.registerMigration(incidentLifecycleMigration, migrate: incidentLifecycle)
        migrator.registerMigration("v5-pushed-event-key-stored-at", migrate: v5PushedEventKeyStoredAt)
        migrator.registerMigration(witnessCallIdentityMigration, migrate: witnessCallIdentity)
        migrator.registerMigration(evidenceChainMigration, migrate: evidenceChain)
        migrator.registerMigration(withheldMigration, migrate: withheld)
        migrator.registerMigration(accessTokensMigration, migrate: accessTokens)
        migrator.registerMigration("house-rule-history", migrate: houseRuleHistory)
        migrator.registerMigration(opsHistoryMigration, migrate: opsHistory)
        migrator.registerMigration(consoleSessionsMigration, migrate: consoleSessions)
        migrator.registerMigration(ruleHistoryChainMigration, migrate: chainRuleHistory)
        migrator.registerMigration(ruleReviewMigration, migrate: ruleReview)
        migrator.registerMigration(incidentChainMigration, migrate: chainIncidents)
        migrator.registerMigration(compactEvidenceChainMigration, migrate: compactEvidenceChain)
        migrator.registerMigration(pushedSpoolMigration, migrate: pushedSpool)
        return migrator
    }

    /// The first schema: events, detections, incidents, rules, audit log, checkpoints, counters.
    private static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE call_events (
                    id INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    call_id TEXT NOT NULL,
                    source TEXT NOT NULL CHECK (
                        source = 'asterisk-csv' OR source = 'freeswitch-csv' OR source = 'jsonl'
                        OR source = 'sip' OR source = 'decision'),
                    phase TEXT NOT NULL CHECK (
                        phase = 'started' OR phase = 'ringing' OR phase = 'answered' OR phase = 'ended'
                        OR phase = 'failed' OR phase = 'cancelled'),
                    disposition TEXT CHECK (
                        disposition = 'answered' OR disposition = 'no-answer' OR disposition = 'busy'
                        OR disposition = 'failed' OR disposition = 'congestion' OR disposition = 'cancelled'
                        OR disposition = 'rejected' OR disposition = 'unknown'),
                    call_start INTEGER,
                    duration_us INTEGER,
                    talk_time_us INTEGER,
                    caller_raw TEXT NOT NULL,
                    caller_e164 TEXT,
                    caller_extension TEXT,
                    caller_name TEXT,
                    asserted_identity TEXT,
                    presentation_restricted INTEGER NOT NULL
                        CHECK (presentation_restricted = 0 OR presentation_restricted = 1),
                    callee_raw TEXT NOT NULL,
                    callee_key TEXT NOT NULL,
                    counted_time INTEGER NOT NULL,
                    counted_identity TEXT
                );
                CREATE INDEX call_events_by_call ON call_events (source, call_id);
                CREATE INDEX call_events_by_counted_time ON call_events (counted_time);

                CREATE TABLE incidents (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL
                        CHECK (kind IN ('repeat-caller', 'stalking', 'anonymous', 'number-hopping')),
                    identity TEXT NOT NULL,
                    target TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'reported', 'closed')),
                    opened_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    detection_count INTEGER NOT NULL CHECK (detection_count >= 0)
                );
                CREATE UNIQUE INDEX incidents_one_unclosed ON incidents (kind, identity, target)
                    WHERE status <> 'closed';

                CREATE TABLE detections (
                    id INTEGER PRIMARY KEY,
                    episode_key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL
                        CHECK (kind IN ('repeat-caller', 'stalking', 'anonymous', 'number-hopping')),
                    caller TEXT,
                    callers TEXT NOT NULL,
                    target TEXT NOT NULL,
                    calls INTEGER NOT NULL CHECK (calls >= 0),
                    first_time INTEGER NOT NULL,
                    last_time INTEGER NOT NULL CHECK (last_time >= first_time),
                    action TEXT NOT NULL CHECK (action IN ('watch', 'alert', 'review', 'block', 'redirect')),
                    action_expires INTEGER,
                    offence INTEGER NOT NULL CHECK (offence >= 1),
                    call_ids TEXT NOT NULL,
                    incident_id INTEGER NOT NULL REFERENCES incidents (id)
                );
                CREATE INDEX detections_by_last_time ON detections (last_time);
                CREATE INDEX detections_by_incident ON detections (incident_id);

                CREATE TABLE rules (
                    id INTEGER PRIMARY KEY,
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
                    CHECK ((match_kind = 'unidentified' AND match_value IS NULL)
                        OR (match_kind <> 'unidentified' AND match_value IS NOT NULL)),
                    CHECK ((action = 'redirect' AND redirect_target IS NOT NULL AND redirect_target <> '')
                        OR (action <> 'redirect' AND redirect_target IS NULL))
                );

                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX audit_log_by_time ON audit_log (time);

                CREATE TABLE tail_checkpoints (
                    path TEXT NOT NULL PRIMARY KEY,
                    device INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    byte_offset INTEGER NOT NULL CHECK (byte_offset >= 0),
                    line_number INTEGER NOT NULL CHECK (line_number >= 0),
                    head_hash INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE ingest_counters (
                    name TEXT NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                );
                """)
    }

    /// The idempotency keys of pushed events (`PushedEventKey`: source, call id, phase, event
    /// time), so that a sender's resend of an event it never saw acknowledged is not stored twice.
    /// Written only by `commitPushed`, in the transaction that stores the event. Independent of
    /// every other table (no foreign key), so it can sit beside any other migration.
    private static func v3PushedEventKeys(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pushed_event_keys (
                    source TEXT NOT NULL,
                    call_id TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (source, call_id, phase, time)
                ) WITHOUT ROWID;
                """)
    }

    /// When each pushed-event key was stored (processing time, microseconds), so that housekeeping
    /// can drop the keys of events stored longer ago than any sender resends (`store.retention`).
    /// Keys stored before this migration take their event time, the best estimate there is (pushed
    /// events are stored moments after they happen).
    ///
    /// Deliberately no index on `stored_at`: every pushed event would pay for it in its commit
    /// (measured with Python's sqlite3 on the development machine: about +2–3 µs CPU per key,
    /// +10–20 % on the key insert alone), while housekeeping walks the primary key in chunks once
    /// per `purge_interval` instead (about 1 s for 800,000 keys, in the background).
    private static func v5PushedEventKeyStoredAt(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE pushed_event_keys ADD COLUMN stored_at INTEGER;
                UPDATE pushed_event_keys SET stored_at = time;
                """)
    }

    /// Rule schedules and the rules revision.
    ///
    /// `rules.schedule` holds a schedule's text form (`mon-fri 18:00-08:00`, see `RuleSchedule`),
    /// NULL for always. `rules_revision` is one row whose `value` the triggers raise on every
    /// insert, update and delete of a rule, in the same transaction: the daemon polls it (one
    /// indexed row, cheap) to see that another process (`callwarden blocks add`) changed the rules,
    /// without being woken by the event writes that `PRAGMA data_version` would also report.
    private static func v2RuleSchedules(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE rules ADD COLUMN schedule TEXT CHECK (schedule IS NULL OR schedule <> '');

                CREATE TABLE rules_revision (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    value INTEGER NOT NULL
                );
                INSERT INTO rules_revision (id, value) VALUES (1, 0);

                CREATE TRIGGER rules_revision_on_insert AFTER INSERT ON rules
                BEGIN UPDATE rules_revision SET value = value + 1 WHERE id = 1; END;
                CREATE TRIGGER rules_revision_on_update AFTER UPDATE ON rules
                BEGIN UPDATE rules_revision SET value = value + 1 WHERE id = 1; END;
                CREATE TRIGGER rules_revision_on_delete AFTER DELETE ON rules
                BEGIN UPDATE rules_revision SET value = value + 1 WHERE id = 1; END;
                """)
    }
}
