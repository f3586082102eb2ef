package import NIOCore

/// What `serve` tells an operator about its listeners once all are bound: systemd's `STATUS=` text
/// (`systemctl status callwarden` shows it) names every listener with the address it really got,
/// so a port of 0 in the configuration, or a port someone must firewall, can be read off the host
/// without guessing; tests that start `serve` as a child read their ports from the same text.
package enum ListenerReport {
    /// `following 1 CDR file(s), ...; listening: decision.http 127.0.0.1:8750, hep.udp 127.0.0.1:9060`,
    /// listeners sorted by key; the summary alone when there are none.
    package static func status(summary: String, addresses: [String: SocketAddress]) -> String {
        guard !addresses.isEmpty else { return summary }
        let listeners = addresses.sorted { $0.key < $1.key }.map { "\($0.key) \(text(of: $0.value))" }
        return summary + "; listening: " + listeners.joined(separator: ", ")
    }

    /// `127.0.0.1:8750`, `[::1]:8750`, or a Unix socket's path.
    package static func text(of address: SocketAddress) -> String {
        switch address {
        case .v4:
            return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6:
            return "[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        case .unixDomainSocket:
            return address.pathname ?? "?"
        }
    }
}
