import GRDB

extension StoreSchema {
    /// The name of the migration that adds the people's API tokens (append-only: never renamed or
    /// changed once shipped).
    static let accessTokensMigration = "v6-access-tokens"

    /// `access_tokens`: one row per token ever made (revoked ones stay, so a name is never given
    /// again), holding the token's public part and the SHA-256 of its secret part, never the token.
    static func accessTokens(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE access_tokens (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('viewer', 'ops', 'security', 'admin')),
                    lookup TEXT NOT NULL UNIQUE,
                    secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    revoked_at INTEGER
                );
                """)
    }
}

extension StoreSchema {
    /// The migration that adds the `pbx` role and the console's sessions (append-only).
    static let consoleSessionsMigration = "people-pbx-role-console-sessions"

    /// `access_tokens` rebuilt to allow the `pbx` role (SQLite cannot change a CHECK in place; the
    /// rows and their ids are copied as they are), and `console_sessions`: one row per console login,
    /// holding the SHA-256 of the session id (the cookie's value is never stored), the token's public
    /// part and when the session ends, so that a login survives a restart of the daemon.
    static func consoleSessions(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE access_tokens_with_pbx (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('viewer', 'ops', 'security', 'admin', 'pbx')),
                    lookup TEXT NOT NULL UNIQUE,
                    secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    revoked_at INTEGER
                );
                INSERT INTO access_tokens_with_pbx (id, name, role, lookup, secret_sha256, created_at, created_by, revoked_at)
                    SELECT id, name, role, lookup, secret_sha256, created_at, created_by, revoked_at FROM access_tokens;
                DROP TABLE access_tokens;
                ALTER TABLE access_tokens_with_pbx RENAME TO access_tokens;
                CREATE TABLE console_sessions (
                    id_sha256 BLOB PRIMARY KEY CHECK (length(id_sha256) = 32),
                    token_lookup TEXT NOT NULL,
                    opened_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
                """)
    }
}
