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
