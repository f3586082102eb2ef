package import CallModel
package import CallwardenPorts
import Foundation
import GRDB

// MARK: - The people's API tokens and the audit log they write to

extension SQLiteStore: AccessTokenStore {
    /// Stores a token (its public part and its secret's hash) and a `token.create` audit entry in
    /// one transaction.
    /// - Throws: ``AccessTokenError/nameTaken(_:)`` when a token had this name, ever;
    ///   ``SQLiteStoreError`` otherwise.
    package func addToken(_ token: StoredAccessToken, actor: String) throws {
        let added = try write { db -> Bool in
            // Names and authors whole, NUL included (``FullLengthText``): a name that only shares the
            // text before a NUL with a taken one is another name.
            let taken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM access_tokens WHERE name = \(FullLengthText.placeholder))",
                arguments: [FullLengthText.argument(token.name)]) ?? false
            guard !taken else { return false }
            try db.execute(
                sql: """
                    INSERT INTO access_tokens (name, role, lookup, secret_sha256, created_at, created_by)
                    VALUES (\(FullLengthText.placeholder), ?, ?, ?, ?, \(FullLengthText.placeholder))
                    """,
                arguments: [
                    FullLengthText.argument(token.name), token.role.rawValue, token.lookup, Data(token.secretHash),
                    token.createdAt.microsecondsSinceEpoch, FullLengthText.argument(token.createdBy),
                ])
            try appendAudit(
                AuditEntry(
                    time: token.createdAt, actor: actor, action: "token.create", subject: "token \(token.name)",
                    detail: "role \(token.role.rawValue)"),
                db)
            return true
        }
        if !added { throw AccessTokenError.nameTaken(token.name) }
    }

    /// Every token, revoked ones included, oldest first.
    package func tokens() throws -> [StoredAccessToken] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM access_tokens ORDER BY id").map(Self.token(from:))
        }
    }

    /// The token whose public part is `lookup` (revoked or not); nil when none.
    package func token(lookup: String) throws -> StoredAccessToken? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.tokenColumns) FROM access_tokens WHERE lookup = ?"), arguments: [lookup])
                .map(Self.token(from:))
        }
    }

    /// Revokes the live token named `name` and writes a `token.revoke` audit entry; false (and no
    /// entry) when no live token has that name.
    package func revokeToken(name: String, actor: String, at time: Timestamp) throws -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE access_tokens SET revoked_at = ? WHERE name = \(FullLengthText.placeholder) AND revoked_at IS NULL",
                arguments: [time.microsecondsSinceEpoch, FullLengthText.argument(name)])
            guard db.changesCount == 1 else { return false }
            try appendAudit(AuditEntry(time: time, actor: actor, action: "token.revoke", subject: "token \(name)", detail: ""), db)
            return true
        }
    }

    /// Appends one audit entry in a transaction of its own.
    package func recordAudit(_ entry: AuditEntry) throws {
        try write { db in try appendAudit(entry, db) }
    }

    /// The audit log, newest first (by time, then by insertion), from `since` on when given.
    package func auditLog(since: Timestamp?, limit: Int) throws -> [AuditEntry] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.auditColumns) FROM audit_log WHERE time >= ?
                    ORDER BY time DESC, id DESC LIMIT ?
                    """,
                arguments: [since?.microsecondsSinceEpoch ?? Int64.min, max(limit, 0)])
            return try rows.map(Self.auditEntry(from:))
        }
    }

    private static let tokenColumns = "CAST(name AS BLOB), role, lookup, secret_sha256, created_at, CAST(created_by AS BLOB), revoked_at"

    private static func token(from row: Row) throws -> StoredAccessToken {
        let hash: Data = try row.decode(atIndex: 3)
        return StoredAccessToken(
            name: try row.fullText(atIndex: 0) ?? "",
            role: try StoredValue.decode(row.decode(atIndex: 1), as: AccessRole.self, column: "access_tokens.role"),
            lookup: try row.decode(atIndex: 2), secretHash: Array(hash),
            createdAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 4)), createdBy: try row.fullText(atIndex: 5) ?? "",
            revokedAt: StoredValue.timestamp(try row.decode(atIndex: 6)))
    }
}
