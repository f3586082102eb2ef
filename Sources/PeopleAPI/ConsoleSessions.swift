import Synchronization

/// The console's logins: a random session id (the cookie) → the token it was opened with (its
/// public part only) and the session's CSRF token. Every request re-reads the token from the store,
/// so a revoked token's sessions end at once.
///
/// Deliberately not handled: sessions surviving a restart of the daemon (log in again), and more
/// than ``maximumSessions`` at once (the oldest expiring first are dropped when full).
package final class ConsoleSessions: Sendable {
    package struct Session: Sendable {
        package var tokenLookup: String
        package var csrf: String
        /// Seconds of the monotonic clock after which the session is over.
        package var expires: Int64
    }

    package static let maximumSessions = 10_000
    /// How long a login lasts.
    package let lifetimeSeconds: Int64
    private let sessions = Mutex<[String: Session]>([:])

    package init(lifetimeSeconds: Int64 = 8 * 3_600) { self.lifetimeSeconds = lifetimeSeconds }

    /// Opens a session for the token with public part `tokenLookup`; returns the cookie's value and the CSRF token.
    package func open(tokenLookup: String, now: Int64) -> (id: String, csrf: String) {
        let id = Self.randomHex(32)
        let csrf = Self.randomHex(32)
        sessions.withLock { table in
            if table.count >= Self.maximumSessions {
                table = table.filter { $0.value.expires > now }
                if table.count >= Self.maximumSessions, let oldest = table.min(by: { $0.value.expires < $1.value.expires }) {
                    table[oldest.key] = nil
                }
            }
            table[id] = Session(tokenLookup: tokenLookup, csrf: csrf, expires: now + lifetimeSeconds)
        }
        return (id, csrf)
    }

    /// The live session with this id, if any.
    package func session(_ id: String, now: Int64) -> Session? {
        sessions.withLock { table in
            guard let session = table[id] else { return nil }
            guard session.expires > now else {
                table[id] = nil
                return nil
            }
            return session
        }
    }

    package func close(_ id: String) {
        sessions.withLock { table in table[id] = nil }
    }

    /// `count` random bytes from the system's cryptographic source, as hex.
    package static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for _ in 0..<count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
