import CDRParsing
package import CallModel
package import EventStreams

/// The `push:`, `ami:`, `esl:` and `evapi:` sections: which event streams the daemon takes calls
/// from besides its CDR files. Every section is optional; an absent one is off.
///
/// - `push.listeners`: list of `{tcp: "127.0.0.1:7070"` or `unix: /run/callwarden/push.sock`,
///   `format` (`jsonl`, `asterisk-csv`, `freeswitch-csv`), `secret_file`, `idle_timeout` [60s],
///   `window` [4096], `max_connections` [64], `max_connections_per_source` [16], `auth_timeout` [10s],
///   `line_timeout` [30s], `max_pending_output` [262144]`}`. A `tcp` value without a host binds
///   127.0.0.1. Without `secret_file` a listener must be on loopback or a Unix socket (refused
///   otherwise, naming it).
/// - `ami`: `host` [127.0.0.1], `port` [5038], `username`, `secret_file` (both required).
/// - `esl`: `host` [127.0.0.1], `port` [8021], `password_file` [none: FreeSWITCH's default
///   password, ClueCon].
///
/// Every secret comes from a file only the daemon's user can read, or a systemd credential (see
/// ``SecretFiles``); the old inline `secret` and `password` keys are refused, naming the new key.
/// - `evapi`: `host` [127.0.0.1], `port` [8448].
/// - each client also takes `reconnect_max` [30s], the longest wait between reconnection attempts.
package struct EventStreamSettings: Sendable {
    package var listeners: [PushListenerConfiguration] = []
    package var ami: (client: ClientConfiguration, username: String, secret: Secret)?
    package var esl: (client: ClientConfiguration, password: Secret)?
    package var evapi: ClientConfiguration?

    package init() {}

    /// Whether any stream is configured.
    package var isEmpty: Bool { listeners.isEmpty && ami == nil && esl == nil && evapi == nil }

    static func read(_ root: ConfigNode, resolve: (String) -> String) -> EventStreamSettings {
        var settings = EventStreamSettings()
        let push = root.section("push")
        for node in push.sectionList("listeners") {
            if let listener = readListener(node, resolve: resolve) { settings.listeners.append(listener) }
        }
        var seen: Set<PushListenerConfiguration.Endpoint> = []
        for listener in settings.listeners where !seen.insert(listener.endpoint).inserted {
            push.fail("listeners", "\(listener.endpoint) is configured twice")
        }

        let ami = root.section("ami")
        if ami.isPresent {
            let client = readClient(ami, defaultPort: 5038)
            let username = ami.string("username")
            SecretFiles.refuseInline(ami, "secret", use: "secret_file")
            let secret = SecretFiles.secret(ami, "secret_file", resolve: resolve)
            if username == nil { ami.fail("username", "is required") }
            if secret == nil, ami.string("secret_file") == nil { ami.fail("secret_file", "is required") }
            if let username, let secret { settings.ami = (client, username, secret) }
        }
        let esl = root.section("esl")
        if esl.isPresent {
            SecretFiles.refuseInline(esl, "password", use: "password_file")
            let password = SecretFiles.secret(esl, "password_file", resolve: resolve) ?? "ClueCon"
            settings.esl = (readClient(esl, defaultPort: 8021), password)
        }
        let evapi = root.section("evapi")
        if evapi.isPresent { settings.evapi = readClient(evapi, defaultPort: 8448) }
        return settings
    }

    private static func readListener(_ node: ConfigNode, resolve: (String) -> String) -> PushListenerConfiguration? {
        let tcp = node.string("tcp")
        let unix = node.string("unix")
        let formatName = node.string("format", default: "jsonl")
        let format = CDRFormat(rawValue: formatName)
        if format == nil {
            node.fail("format", "\"\(formatName)\" is not one of " + CDRFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        SecretFiles.refuseInline(node, "secret", use: "secret_file")
        let secret = SecretFiles.secret(node, "secret_file", resolve: resolve)
        let idle = node.duration("idle_timeout", default: .seconds(60))
        let window = node.int("window", default: 4_096, range: 1...1_000_000)
        let connections = node.int("max_connections", default: 64, range: 1...10_000)
        let perSource = node.int("max_connections_per_source", default: 16, range: 1...10_000)
        let authTimeout = node.duration("auth_timeout", default: .seconds(10))
        let lineTimeout = node.duration("line_timeout", default: .seconds(30))
        let pendingOutput = node.int("max_pending_output", default: 256 * 1_024, range: 1_024...(64 << 20))

        let endpoint: PushListenerConfiguration.Endpoint
        switch (tcp, unix) {
        case (let tcp?, nil):
            guard let parsed = parseTCP(tcp) else {
                node.fail("tcp", "\"\(tcp)\" is not a port or host:port (e.g. 127.0.0.1:7070)")
                return nil
            }
            endpoint = parsed
        case (nil, let path?):
            guard path.hasPrefix("/"), path.utf8.count < 108 else {
                node.fail("unix", "\"\(path)\" is not an absolute socket path shorter than 108 bytes")
                return nil
            }
            endpoint = .unix(path: path)
        case (.some, .some):
            node.fail("tcp", "give tcp or unix, not both")
            return nil
        case (nil, nil):
            node.fail("tcp", "is required (or unix)")
            return nil
        }
        guard let format else { return nil }
        let listener = PushListenerConfiguration(
            endpoint: endpoint, format: format, secret: secret,
            idleTimeout: .microseconds(idle.microseconds), window: window, maximumConnections: connections,
            maximumConnectionsPerSource: perSource, authTimeout: .microseconds(authTimeout.microseconds),
            lineTimeout: .microseconds(lineTimeout.microseconds), maximumPendingOutput: pendingOutput)
        if secret == nil, node.string("secret_file") == nil, !listener.isLocalOnly, case .tcp(let host, let port) = endpoint {
            node.fail(
                "tcp", "\(host):\(port) is off loopback without authentication: "
                    + "set secret_file (senders then AUTH first) or bind to 127.0.0.1 or a Unix socket")
        }
        return listener
    }

    /// `7070`, `127.0.0.1:7070`, `[::1]:7070`.
    static func parseTCP(_ text: String) -> PushListenerConfiguration.Endpoint? {
        if let port = Int(text), (0...65_535).contains(port) { return .tcp(host: "127.0.0.1", port: port) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return .tcp(host: host, port: port)
    }

    private static func readClient(_ node: ConfigNode, defaultPort: Int) -> ClientConfiguration {
        let host = node.string("host", default: "127.0.0.1")
        let port = node.int("port", default: defaultPort, range: 1...65_535)
        let maximum = node.duration("reconnect_max", default: .seconds(30))
        return ClientConfiguration(host: host, port: port, maximumBackoff: .microseconds(maximum.microseconds))
    }
}
