package import CallModel
package import CallwardenPorts
import Foundation
import GRDB

// MARK: - The console's sessions (hashed ids, with their end)

extension SQLiteStore: ConsoleSessionStore {
    package func openConsoleSession(_ session: StoredConsoleSession) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE expires_at <= ?", arguments: [session.openedAt.microsecondsSinceEpoch])
            try db.execute(
                sql: "INSERT INTO console_sessions (id_sha256, token_lookup, opened_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    Data(session.idHash), session.tokenLookup, session.openedAt.microsecondsSinceEpoch, session.expiresAt.microsecondsSinceEpoch,
                ])
        }
    }

    package func consoleSession(idHash: [UInt8], at time: Timestamp) throws -> StoredConsoleSession? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT token_lookup, opened_at, expires_at FROM console_sessions WHERE id_sha256 = ? AND expires_at > ?",
                    arguments: [Data(idHash), time.microsecondsSinceEpoch])
            else { return nil }
            return StoredConsoleSession(
                idHash: idHash, tokenLookup: try row.decode(atIndex: 0),
                openedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 1)),
                expiresAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 2)))
        }
    }

    package func closeConsoleSession(idHash: [UInt8]) throws {
        try write { db in try db.execute(sql: "DELETE FROM console_sessions WHERE id_sha256 = ?", arguments: [Data(idHash)]) }
    }
}
