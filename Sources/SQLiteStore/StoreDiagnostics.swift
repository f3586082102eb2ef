/// How the store's connection is set up and which migrations the file has, for `callwarden doctor`
/// style checks and for tests.
///
/// Deliberately not included: an integrity check (`PRAGMA integrity_check` reads the whole file,
/// which is too slow to run on every call).
package struct StoreDiagnostics: Hashable, Sendable {
    /// Migration identifiers applied to the file, in order (`v1`, ...).
    package var appliedMigrations: [String]
    /// `wal` for a store opened by ``SQLiteStore``.
    package var journalMode: String
    /// SQLite's `synchronous` level of the writer: 1 is `NORMAL`, 2 is `FULL`.
    package var synchronous: Int
    /// Whether foreign keys are enforced on the writer.
    package var foreignKeys: Bool

    /// Makes diagnostics from their parts.
    package init(appliedMigrations: [String], journalMode: String, synchronous: Int, foreignKeys: Bool) {
        self.appliedMigrations = appliedMigrations
        self.journalMode = journalMode
        self.synchronous = synchronous
        self.foreignKeys = foreignKeys
    }
}
