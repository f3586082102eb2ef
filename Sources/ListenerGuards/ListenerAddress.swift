package import NIOCore

/// Where a listener is bound and where a connection comes from, as the guards and the trust checks
/// need them.
package enum ListenerAddress {
    /// Whether `host`, a configured bind address, is loopback only (`127.0.0.0/8`, `::1`,
    /// `localhost`). `0.0.0.0` and `::` are every interface, not loopback.
    package static func isLoopback(host: String) -> Bool {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text == "localhost" || text == "::1" || text == "0:0:0:0:0:0:0:1" { return true }
        if text.hasPrefix("::ffff:") { text = String(text.dropFirst(7)) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }

    /// Whether a connection's peer is on this host's loopback. A Unix socket peer counts as local.
    package static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        switch address {
        case .unixDomainSocket: return true
        case .v4, .v6: return address.ipAddress.map { isLoopback(host: $0) } ?? false
        }
    }

    /// The key a peer's connections are limited by: its IP address as text (`192.0.2.7`, `::1`),
    /// `unix` for every Unix socket peer, `unknown` when the channel has none.
    package static func sourceKey(of address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        if case .unixDomainSocket = address { return "unix" }
        return address.ipAddress ?? "unknown"
    }
}
