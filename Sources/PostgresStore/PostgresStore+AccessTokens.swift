package import CallModel
package import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - The people's API tokens and the audit log they write to

extension PostgresStore: AccessTokenStore {
    private static let tokenColumns = "name, role, lookup, secret_sha256, created_at, created_by, revoked_at"

    /// Stores a token (its public part and its secret's hash) and a `token.create` audit entry in
    /// one transaction. Two nodes adding the same name at once: one insert wins, the other finds
    /// the name taken (`ON CONFLICT`), as it would have a moment later.
    /// - Throws: ``AccessTokenError/nameTaken(_:)`` when a token had this name, ever;
    ///   ``PostgresStoreError`` otherwise (`.constraintViolation` for a public part in use).
    package func addToken(_ token: StoredAccessToken, actor: String) throws {
        // The name taken is returned out of the transaction, not thrown inside it: the session
        // reports every error thrown there as a store error.
        let added = try session.transaction { transaction -> Bool in
            let inserted = try transaction.rows(
                """
                INSERT INTO access_tokens (name, role, lookup, secret_sha256, created_at, created_by)
                VALUES (\(ByteBuffer(string: token.name)), \(token.role.rawValue), \(ByteBuffer(string: token.lookup)),
                    \(ByteBuffer(bytes: token.secretHash)), \(token.createdAt.microsecondsSinceEpoch),
                    \(ByteBuffer(string: token.createdBy)))
                ON CONFLICT (name) DO NOTHING
                RETURNING id
                """)
            guard !inserted.isEmpty else { return false }
            try Self.appendAudit(
                AuditEntry(
                    time: token.createdAt, actor: actor, action: "token.create", subject: "token \(token.name)",
                    detail: "role \(token.role.rawValue)"),
                transaction)
            return true
        }
        if !added { throw AccessTokenError.nameTaken(token.name) }
    }

    /// Every token, revoked ones included, oldest first.
    package func tokens() throws -> [StoredAccessToken] {
        try session.query("SELECT \(unescaped: Self.tokenColumns) FROM access_tokens ORDER BY id").map(Self.token(from:))
    }

    /// The token whose public part is `lookup` (revoked or not); nil when none.
    package func token(lookup: String) throws -> StoredAccessToken? {
        try session.query(
            "SELECT \(unescaped: Self.tokenColumns) FROM access_tokens WHERE lookup = \(ByteBuffer(string: lookup))"
        ).first.map(Self.token(from:))
    }

    /// Revokes the live token named `name` and writes a `token.revoke` audit entry; false (and no
    /// entry) when no live token has that name. The next request with that token, on any node, is refused.
    package func revokeToken(name: String, actor: String, at time: Timestamp) throws -> Bool {
        try session.transaction { transaction in
            let revoked = try transaction.execute(
                """
                UPDATE access_tokens SET revoked_at = \(time.microsecondsSinceEpoch)
                WHERE name = \(ByteBuffer(string: name)) AND revoked_at IS NULL
                """)
            guard revoked == 1 else { return false }
            try Self.appendAudit(AuditEntry(time: time, actor: actor, action: "token.revoke", subject: "token \(name)", detail: ""), transaction)
            return true
        }
    }

    /// Appends one audit entry in a transaction of its own.
    package func recordAudit(_ entry: AuditEntry) throws {
        try session.transaction { transaction in try Self.appendAudit(entry, transaction) }
    }

    /// The audit log of every node, newest first (by time, then by insertion), from `since` on when given.
    package func auditLog(since: Timestamp?, limit: Int) throws -> [AuditEntry] {
        let rows = try session.query(
            """
            SELECT time, actor, action, subject, detail FROM audit_log
            WHERE time >= \(since?.microsecondsSinceEpoch ?? Int64.min)
            ORDER BY time DESC, id DESC LIMIT \(Int64(max(limit, 0)))
            """)
        return try rows.map { row in
            let (time, actor, action, subject, detail) = try row.decode((Int64, ByteBuffer, String, ByteBuffer, ByteBuffer).self)
            return AuditEntry(
                time: Timestamp(microsecondsSinceEpoch: time), actor: String(buffer: actor), action: action,
                subject: String(buffer: subject), detail: String(buffer: detail))
        }
    }

    private static func token(from row: PostgresRow) throws -> StoredAccessToken {
        let (name, role, lookup, hash, createdAt, createdBy, revokedAt) = try row.decode(
            (ByteBuffer, String, ByteBuffer, ByteBuffer, Int64, ByteBuffer, Int64?).self)
        guard let role = AccessRole(rawValue: role) else {
            throw PostgresStoreError(code: .invalidData, message: "access_tokens.role holds an unknown value")
        }
        return StoredAccessToken(
            name: String(buffer: name), role: role, lookup: String(buffer: lookup), secretHash: Array(hash.readableBytesView),
            createdAt: Timestamp(microsecondsSinceEpoch: createdAt), createdBy: String(buffer: createdBy),
            revokedAt: revokedAt.map(Timestamp.init(microsecondsSinceEpoch:)))
    }
}
