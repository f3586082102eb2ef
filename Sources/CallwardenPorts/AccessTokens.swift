package import CallModel

/// What a person's token may do on the `api` listener. Not a ladder: each role is a set of
/// permissions (the matrix is `PeopleAPI.AccessPolicy`), so that, for example, only `security`
/// sees a withheld caller's asserted identity and `admin` manages tokens without handling incidents.
package enum AccessRole: String, CaseIterable, Hashable, Sendable {
    /// Reads rules and incident summaries, numbers masked (a receptionist).
    case viewer
    /// Manages rules, redirects, the review queue and false positives.
    case ops
    /// Handles incidents, MCID, exports and recordings; alone sees withheld callers' identities.
    case security
    /// Manages tokens and reads the audit log.
    case admin
    /// A PBX, not a person: may only raise MCID flags (`POST /v1/mcid`, the only role that may send
    /// it form-encoded, as a dialplan's HTTP call does); never signs in to the console.
    case pbx
}

/// One API token as the store keeps it: never the token itself, only the SHA-256 of its secret
/// part. The token's public part (``lookup``) finds the row; the secret's hash is then compared in
/// constant time.
package struct StoredAccessToken: Hashable, Sendable {
    /// Unique forever: a revoked token's name is not given again, since the audit log names actors by it.
    package var name: String
    package var role: AccessRole
    /// The public part of the token (hex), unique: how a presented token finds its row.
    package var lookup: String
    /// SHA-256 of the token's secret part.
    package var secretHash: [UInt8]
    package var createdAt: Timestamp
    /// Who made it (`cli:root`, `token:alice`).
    package var createdBy: String
    /// When it was revoked; a revoked token authenticates nobody.
    package var revokedAt: Timestamp?

    package init(
        name: String, role: AccessRole, lookup: String, secretHash: [UInt8], createdAt: Timestamp, createdBy: String,
        revokedAt: Timestamp? = nil
    ) {
        self.name = name
        self.role = role
        self.lookup = lookup
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }
}

/// Why a token could not be added.
package enum AccessTokenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A token (live or revoked) already has this name.
    case nameTaken(String)

    package var description: String {
        switch self {
        case .nameTaken(let name): "a token named \(name) exists or existed (names are never reused: the audit log names actors by them)"
        }
    }
}

/// The people's tokens and the audit log they write to. Read per request by the `api` listener,
/// so a token revoked by the CLI in another process is refused at the next request.
package protocol AccessTokenStore: Sendable {
    /// Stores a new token and a `token.create` audit entry in one transaction.
    /// - Throws: ``AccessTokenError/nameTaken(_:)`` when the name was ever used.
    func addToken(_ token: StoredAccessToken, actor: String) throws
    /// Every token, revoked ones included, oldest first.
    func tokens() throws -> [StoredAccessToken]
    /// The token whose public part is `lookup`, revoked or not.
    func token(lookup: String) throws -> StoredAccessToken?
    /// Revokes a live token and writes a `token.revoke` audit entry; false when no live token has that name.
    func revokeToken(name: String, actor: String, at time: Timestamp) throws -> Bool
    /// Appends one entry to the audit log (a view of sensitive data, a change made elsewhere).
    func recordAudit(_ entry: AuditEntry) throws
    /// The audit log, newest first, entries at or after `since` (all when nil), at most `limit`.
    func auditLog(since: Timestamp?, limit: Int) throws -> [AuditEntry]
}
