package import CallModel
package import Incidents
package import Logging
import PostgresNIO
import SystemClock

/// The storage ports on PostgreSQL: the store several Callwarden nodes share (`store: url:`).
///
/// It keeps the semantics of `SQLiteStore` for what it implements (``EventStore``, ``RuleStore``,
/// ``DetectionStore``, ``AccessTokenStore``, ``ConsoleSessionStore``, ``RuleReviewStore``,
/// ``RuleCorrectionStore``, ``CallSearchStore``, ``BlockEffectStore``, ``RecordingStore``, reading and moving incidents and their timeline, the ``AlertOutbox`` through
/// ``PostgresAlertOutbox``): a batch commits in one transaction with the incidents and alerts its
/// detections make (one unclosed incident per key across every node); a pushed event's resend is not stored
/// twice; rule ids are never reused; every rule change is audited and raises the rules revision in
/// its own transaction, which also notifies every listening node (``PostgresRuleFeed``).
///
/// Each node names itself (``node``): its checkpoints are its own, and the events it stores carry
/// its name. Opening the store migrates the schema (``PostgresSchema``) under an advisory lock, so
/// nodes starting together migrate once.
///
/// Calls block the calling thread until PostgreSQL answers (see ``PostgresSession``): call them
/// from the ingest thread or a thread of their own, never from the decision path.
package final class PostgresStore: Sendable {
    package let node: String
    /// Processing time (pushed-event keys' `stored_at`): the daemon's injected clock.
    package let clock: WallClock
    /// When a detection raises an alert (the same ``IncidentLedger`` rules as `SQLiteStore`).
    package let alertPolicy: AlertPolicy
    /// Called after a commit that wrote an alert into the outbox (not when it rolled back), so a
    /// dispatcher on this node can deliver at once; other nodes' dispatchers find it by polling.
    let onAlertCommitted: (@Sendable () -> Void)?
    let session: PostgresSession

    /// Connects, migrates and returns the store.
    ///
    /// - Throws: ``PostgresStoreError`` (`.unavailable` when PostgreSQL cannot be reached).
    package init(
        settings: PostgresSettings, node: String, logger: Logger, alertPolicy: AlertPolicy = AlertPolicy(),
        onAlertCommitted: (@Sendable () -> Void)? = nil, clock: WallClock = .system
    ) throws {
        self.node = node
        self.clock = clock
        self.alertPolicy = alertPolicy
        self.onAlertCommitted = onAlertCommitted
        self.session = PostgresSession(settings: settings, logger: logger)
        try migrate()
    }

    /// Connects with `settings` and runs `SELECT 1`, creating and migrating nothing (check-config).
    ///
    /// - Throws: ``PostgresStoreError`` (`.unavailable` when PostgreSQL cannot be reached).
    package static func probe(_ settings: PostgresSettings, logger: Logger = Logger(label: "callwarden.probe")) throws {
        let session = PostgresSession(settings: settings, logger: logger)
        defer { session.close() }
        _ = try session.query("SELECT 1")
    }

    /// The server process serving this store's connection (operators' drills and tests of a server
    /// that stops answering).
    package func backendProcessID() throws -> Int32 {
        try session.query("SELECT pg_backend_pid()").first?.decode(Int32.self) ?? 0
    }

    /// Closes the connection; a later call connects again.
    package func close() {
        session.close()
    }

    /// The ids of the migrations applied, in the order they were applied.
    package func appliedMigrations() throws -> [String] {
        try session.query("SELECT id FROM schema_migrations ORDER BY applied_order").map { try $0.decode(String.self) }
    }

    private func migrate() throws {
        try session.transaction(timeout: nil) { transaction in
            try transaction.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
            try transaction.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id TEXT PRIMARY KEY,
                    applied_order BIGINT GENERATED ALWAYS AS IDENTITY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = Set(try transaction.rows("SELECT id FROM schema_migrations").map { try $0.decode(String.self) })
            for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
                for statement in PostgresSchema.statements(migration.sql) {
                    try transaction.execute(PostgresQuery(unsafeSQL: statement))
                }
                try transaction.execute("INSERT INTO schema_migrations (id) VALUES (\(migration.id))")
            }
        }
    }
}

extension PostgresStore {
    /// Ends every other session of `database` that is `LISTEN`ing (tests of a lost link and
    /// operators' drills); returns how many. Needs the right to signal those sessions (the same
    /// role, or `pg_signal_backend`).
    package func terminateListeners(on database: String) throws -> Int {
        let rows = try session.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = \(database) AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'
            """)
        return rows.count
    }
}

extension PostgresStore {
    /// How many sessions of `database` are `LISTEN`ing (every node's rule feed holds one).
    package func listenerCount(on database: String) throws -> Int {
        let rows = try session.query(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = \(database) AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'
            """)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }
}
