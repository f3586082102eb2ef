import Synchronization

/// At most ``limit`` failed authentications per client address per minute (a wrong, revoked or
/// malformed token, an unknown session); past it, every request from that address is answered 429
/// until the minute is over, before any token is looked at. A request without credentials is not a
/// failure (a browser opening the console before logging in).
///
/// Deliberately not handled: addresses behind one NAT share the budget; spreading guesses over
/// many addresses (256-bit secrets make guessing pointless anyway; the limit keeps the store's
/// reads and the log quiet). Memory is bounded: at ``maximumAddresses`` the table is cleared.
package final class FailedAuthenticationLimiter: Sendable {
    package let limit: Int
    package static let maximumAddresses = 10_000
    private let state = Mutex<[String: Window]>([:])

    private struct Window {
        var minute: Int64
        var failures: Int
    }

    package init(limit: Int = 10) { self.limit = limit }

    /// Whether `address` may try now (`minute`: the current minute of any monotonic or wall clock).
    package func allows(_ address: String, minute: Int64) -> Bool {
        state.withLock { table in
            guard let window = table[address], window.minute == minute else { return true }
            return window.failures < limit
        }
    }

    /// Counts one failure of `address`.
    package func recordFailure(_ address: String, minute: Int64) {
        state.withLock { table in
            if table.count >= Self.maximumAddresses && table[address] == nil { table.removeAll() }
            var window = table[address] ?? Window(minute: minute, failures: 0)
            if window.minute != minute { window = Window(minute: minute, failures: 0) }
            window.failures += 1
            table[address] = window
        }
    }
}
