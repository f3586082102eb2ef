package import CallModel

/// One console login as the store keeps it: the SHA-256 of the session id (the cookie's value is
/// never stored), the public part of the token it was opened with, and when it ends.
package struct StoredConsoleSession: Hashable, Sendable {
    package var idHash: [UInt8]
    package var tokenLookup: String
    package var openedAt: Timestamp
    package var expiresAt: Timestamp

    package init(idHash: [UInt8], tokenLookup: String, openedAt: Timestamp, expiresAt: Timestamp) {
        self.idHash = idHash
        self.tokenLookup = tokenLookup
        self.openedAt = openedAt
        self.expiresAt = expiresAt
    }
}

/// Where the console's sessions live so that a login survives a restart of the daemon. Each call
/// is one short transaction; the people's listener calls it on the store's executor.
/// Deliberately not handled: a limit on live sessions per token (a revoked token ends them all,
/// since every request re-reads the token).
package protocol ConsoleSessionStore: Sendable {
    /// Stores a new session and forgets those that ended before it was opened.
    func openConsoleSession(_ session: StoredConsoleSession) throws
    /// The session whose id hashes to `idHash`, if it exists and has not ended at `time`.
    func consoleSession(idHash: [UInt8], at time: Timestamp) throws -> StoredConsoleSession?
    /// Ends a session (signing out).
    func closeConsoleSession(idHash: [UInt8]) throws
}
