package import CallModel
package import CallwardenPorts
import Crypto
import Synchronization

/// The console's logins: a random session id (the cookie) → the token it was opened with (its
/// public part only). The session's CSRF token is derived from the id (SHA-256 of a label and the
/// id), so nothing but the id's own hash is kept. Every request re-reads the token from the store,
/// so a revoked token's sessions end at once.
///
/// With a ``ConsoleSessionStore`` (the daemon) sessions are kept in the store, by the SHA-256 of
/// their id, with their end in wall-clock time: a login survives a restart of the daemon and ends
/// at the same moment whichever process serves it. Without one (tests of other modules) they live
/// in memory, by the monotonic clock, at most ``maximumSessions`` (the one ending first is dropped).
/// Blocking with a store: call on the store's executor.
package final class ConsoleSessions: Sendable {
    package struct Session: Sendable {
        package var tokenLookup: String
        package var csrf: String
    }

    package static let maximumSessions = 10_000
    /// How long a login lasts.
    package let lifetimeSeconds: Int64
    private let persistent: (store: any ConsoleSessionStore, clock: WallClock)?
    /// In memory: the id's hash (hex) → the token's lookup and the monotonic second it ends.
    private let memory = Mutex<[String: (tokenLookup: String, expires: Int64)]>([:])

    /// Sessions in memory (lost on restart).
    package init(lifetimeSeconds: Int64 = 8 * 3_600) {
        self.lifetimeSeconds = lifetimeSeconds
        self.persistent = nil
    }

    /// Sessions in `store`, ending `lifetimeSeconds` after login by `clock`.
    package init(store: any ConsoleSessionStore, clock: WallClock, lifetimeSeconds: Int64 = 8 * 3_600) {
        self.lifetimeSeconds = lifetimeSeconds
        self.persistent = (store, clock)
    }

    /// Opens a session for the token with public part `tokenLookup`; returns the cookie's value and the CSRF token.
    package func open(tokenLookup: String) throws -> (id: String, csrf: String) {
        let id = Self.randomHex(32)
        let hash = Self.hash(id)
        if let (store, clock) = persistent {
            let now = clock.now()
            try store.openConsoleSession(
                StoredConsoleSession(idHash: hash, tokenLookup: tokenLookup, openedAt: now, expiresAt: now + .seconds(lifetimeSeconds)))
        } else {
            let now = MonotonicTime.seconds()
            memory.withLock { table in
                if table.count >= Self.maximumSessions {
                    table = table.filter { $0.value.expires > now }
                    if table.count >= Self.maximumSessions, let first = table.min(by: { $0.value.expires < $1.value.expires }) {
                        table[first.key] = nil
                    }
                }
                table[Self.hex(hash)] = (tokenLookup, now + lifetimeSeconds)
            }
        }
        return (id, Self.csrf(for: id))
    }

    /// The live session with this id, if any.
    package func session(_ id: String) throws -> Session? {
        guard id.utf8.count == 64 else { return nil }
        let hash = Self.hash(id)
        let lookup: String?
        if let (store, clock) = persistent {
            lookup = try store.consoleSession(idHash: hash, at: clock.now())?.tokenLookup
        } else {
            let now = MonotonicTime.seconds()
            lookup = memory.withLock { table -> String? in
                let key = Self.hex(hash)
                guard let entry = table[key] else { return nil }
                guard entry.expires > now else {
                    table[key] = nil
                    return nil
                }
                return entry.tokenLookup
            }
        }
        return lookup.map { Session(tokenLookup: $0, csrf: Self.csrf(for: id)) }
    }

    package func close(_ id: String) throws {
        let hash = Self.hash(id)
        if let (store, _) = persistent {
            try store.closeConsoleSession(idHash: hash)
        } else {
            _ = memory.withLock { table in table.removeValue(forKey: Self.hex(hash)) }
        }
    }

    static func hash(_ id: String) -> [UInt8] { Array(SHA256.hash(data: Array(id.utf8))) }

    /// The form token of the session `id`: not the id (which only the cookie carries) and not its stored hash.
    static func csrf(for id: String) -> String { hex(Array(SHA256.hash(data: Array(("callwarden-console-csrf\u{0}" + id).utf8)))) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `count` random bytes from the system's cryptographic source, as hex.
    package static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
