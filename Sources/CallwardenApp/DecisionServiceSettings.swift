import CallModel
package import DecisionService
import EventStreams
import ListenerGuards
import NIOCore

/// The `decision:` section: where the PBX asks about each incoming call, and whom it believes.
///
/// - `decision.http` [`127.0.0.1:8750`]: `host:port` (or a bare port, bound to 127.0.0.1) of the
///   HTTP decision service, or `off`.
/// - `decision.agi` [off]: `host:port` of the FastAGI server for Asterisk (`agi://host:4573`).
/// - `decision.pbx` [none]: the PBXs whose questions count, each `{name, token_file, sources,
///   assert_identity}`: `token_file` a file only the daemon's user can read (or `credential:NAME`,
///   ``SecretFiles``) holding the bearer token the PBX sends (`Authorization: Bearer`; HTTP only),
///   `sources` the IP addresses it asks from (FastAGI has no token: only `sources` authenticate
///   it), at least one of the two; `assert_identity` [false]: its `pai` is believed. A question
///   from anyone else is answered but neither stored nor counted
///   (`callwarden_decision_unrecorded_total{reason="untrusted"}`) and its `pai` ignored.
///   None configured: questions from loopback count and their `pai` is believed (the PBX on the
///   same host); others do not count.
/// - `decision.max_connections` [512], `decision.max_connections_per_source` [256],
///   `decision.request_timeout` [5s] (a request, from its first byte, must be complete and
///   answered), `decision.max_pending_output` [65536] (unsent answers before a connection that
///   does not read is closed): each of the HTTP and FastAGI listeners on its own.
/// - `decision.event_queue` [65536]: decision events waiting for the store; when full the newest
///   is dropped and counted (the PBX still gets its answer).
///
/// A listener off loopback without authentication is refused, naming it: `decision.http` needs a
/// `decision.pbx` credential, `decision.agi` one with `sources`.
package struct DecisionServiceSettings: Sendable {
    package var http: DecisionHTTPConfiguration?
    package var agi: FastAGIConfiguration?
    package var eventQueueCapacity: Int
    /// Whom the transports believe.
    package var trust: QuestionTrust

    package init(
        http: DecisionHTTPConfiguration? = DecisionHTTPConfiguration(), agi: FastAGIConfiguration? = nil,
        eventQueueCapacity: Int = 65_536, trust: QuestionTrust = QuestionTrust()
    ) {
        self.http = http
        self.agi = agi
        self.eventQueueCapacity = eventQueueCapacity
        self.trust = trust
    }

    static func read(_ root: ConfigNode, resolve: (String) -> String) -> DecisionServiceSettings {
        let section = root.section("decision")
        var settings = DecisionServiceSettings()
        let limits = ListenerLimits(
            maximumConnections: section.int("max_connections", default: 512, range: 1...100_000),
            maximumConnectionsPerSource: section.int("max_connections_per_source", default: 256, range: 1...100_000),
            requestTimeout: .microseconds(section.duration("request_timeout", default: .seconds(5)).microseconds),
            maximumPendingOutput: section.int("max_pending_output", default: 65_536, range: 1_024...(64 << 20)))
        let http = section.string("http", default: "127.0.0.1:8750")
        if http == "off" {
            settings.http = nil
        } else if case .tcp(host: let host, port: let port)? = EventStreamSettings.parseTCP(http) {
            settings.http = DecisionHTTPConfiguration(host: host, port: port, limits: limits)
        } else {
            section.fail("http", "\"\(http)\" is not off, a port or host:port (e.g. 127.0.0.1:8750)")
        }
        if let agi = section.string("agi"), agi != "off" {
            if case .tcp(host: let host, port: let port)? = EventStreamSettings.parseTCP(agi) {
                settings.agi = FastAGIConfiguration(
                    host: host, port: port, maximumSessions: limits.maximumConnections,
                    maximumSessionsPerSource: limits.maximumConnectionsPerSource,
                    requestTimeout: limits.requestTimeout ?? .seconds(5), maximumPendingOutput: limits.maximumPendingOutput)
            } else {
                section.fail("agi", "\"\(agi)\" is not off, a port or host:port (e.g. 127.0.0.1:4573)")
            }
        }
        settings.eventQueueCapacity = section.int("event_queue", default: 65_536, range: 16...(1 << 24))
        settings.trust = QuestionTrust(credentials: readCredentials(section, resolve: resolve))

        let credentials = settings.trust.credentials
        if let http = settings.http, !ListenerAddress.isLoopback(host: http.host), credentials.isEmpty {
            section.fail(
                "http", "\(http.host):\(http.port) is off loopback without authentication: "
                    + "add decision.pbx credentials (token_file and/or sources) or bind to 127.0.0.1")
        }
        if let agi = settings.agi, !ListenerAddress.isLoopback(host: agi.host), !credentials.contains(where: { !$0.sources.isEmpty }) {
            section.fail(
                "agi", "\(agi.host):\(agi.port) is off loopback without authentication: "
                    + "FastAGI has no token, add a decision.pbx credential with sources or bind to 127.0.0.1")
        }
        return settings
    }

    private static func readCredentials(_ section: ConfigNode, resolve: (String) -> String) -> [PBXCredential] {
        var credentials: [PBXCredential] = []
        var names: Set<String> = []
        for node in section.sectionList("pbx") {
            let name = node.string("name", default: "pbx\(credentials.count + 1)")
            if !names.insert(name).inserted { node.fail("name", "\"\(name)\" is configured twice") }
            SecretFiles.refuseInline(node, "token", use: "token_file")
            let token = SecretFiles.secret(node, "token_file", resolve: resolve)
            if let token, token.bytes.count < 16 { node.fail("token_file", "the token must have at least 16 characters") }
            var sources: Set<String> = []
            for (index, text) in (node.stringList("sources") ?? []).enumerated() {
                if let address = try? SocketAddress(ipAddress: text, port: 0), let canonical = address.ipAddress {
                    sources.insert(canonical)
                } else {
                    node.fail("sources", "entry \(index + 1), \"\(text)\", is not an IPv4 or IPv6 address")
                }
            }
            let asserts = node.bool("assert_identity", default: false)
            if token == nil, sources.isEmpty, node.string("token_file") == nil, node.stringList("sources") == nil {
                node.fail("token_file", "a PBX credential needs token_file and/or sources")
            }
            credentials.append(PBXCredential(name: name, token: token, sources: sources, assertsIdentity: asserts))
        }
        return credentials
    }
}
