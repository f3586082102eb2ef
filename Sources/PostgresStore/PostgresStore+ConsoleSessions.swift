package import CallModel
package import CallwardenPorts
import NIOCore
import PostgresNIO

// MARK: - The console's sessions (hashed ids, with their end)

extension PostgresStore: ConsoleSessionStore {
    /// Stores a new session and forgets every session (of any node) that ended before it was
    /// opened, in one transaction. A login made through one node is valid at every node.
    /// - Throws: ``PostgresStoreError`` (`.constraintViolation` for an id hash in use or not 32 bytes).
    package func openConsoleSession(_ session: StoredConsoleSession) throws {
        try self.session.transaction { transaction in
            try transaction.execute("DELETE FROM console_sessions WHERE expires_at <= \(session.openedAt.microsecondsSinceEpoch)")
            try transaction.execute(
                """
                INSERT INTO console_sessions (id_sha256, token_lookup, opened_at, expires_at)
                VALUES (\(ByteBuffer(bytes: session.idHash)), \(ByteBuffer(string: session.tokenLookup)),
                    \(session.openedAt.microsecondsSinceEpoch), \(session.expiresAt.microsecondsSinceEpoch))
                """)
        }
    }

    /// The session whose id hashes to `idHash`, if it exists and has not ended at `time`.
    package func consoleSession(idHash: [UInt8], at time: Timestamp) throws -> StoredConsoleSession? {
        let rows = try session.query(
            """
            SELECT token_lookup, opened_at, expires_at FROM console_sessions
            WHERE id_sha256 = \(ByteBuffer(bytes: idHash)) AND expires_at > \(time.microsecondsSinceEpoch)
            """)
        guard let row = rows.first else { return nil }
        let (lookup, openedAt, expiresAt) = try row.decode((ByteBuffer, Int64, Int64).self)
        return StoredConsoleSession(
            idHash: idHash, tokenLookup: String(buffer: lookup), openedAt: Timestamp(microsecondsSinceEpoch: openedAt),
            expiresAt: Timestamp(microsecondsSinceEpoch: expiresAt))
    }

    /// Ends a session (signing out); nothing when there is none.
    package func closeConsoleSession(idHash: [UInt8]) throws {
        _ = try session.query("DELETE FROM console_sessions WHERE id_sha256 = \(ByteBuffer(bytes: idHash))")
    }
}
