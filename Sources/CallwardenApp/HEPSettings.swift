package import CallModel
import ListenerGuards
package import PacketCapture

/// The `hep` section: a HEP collector (Kamailio `siptrace`, heplify, Asterisk `res_hep`,
/// FreeSWITCH `capture-server` send to it). Absent: no listener.
///
/// Keys (defaults in brackets):
/// - `address` [`127.0.0.1`]: the IPv4 or IPv6 literal to bind (`0.0.0.0`, `::`). Off loopback
///   an `auth_key_file` is required (refused otherwise, naming `hep.address`).
/// - `port` [`9060`]; 0 picks a free port (the daemon reports it as `hep.udp`/`hep.tcp` when ready).
/// - `transport` [`udp`]: `udp`, `tcp` (HEPv3 only) or `both` (the same port on each).
/// - `auth_key_file`: a file only the daemon's user can read (or `credential:NAME`, see
///   ``SecretFiles``) holding the auth key; when set, HEPv3 packets must carry it (chunk 0x000e),
///   others are dropped and counted. HEPv1/v2 carry no key and are then dropped too. The old
///   inline `auth_key` is refused.
/// - `queue` [`65536`]: SIP payloads held per listener between its thread and the ingest loop
///   (drop newest when full).
/// - `max_connections_per_source` [16] (of 64) and `packet_timeout` [30s]: HEP over TCP, connections
///   from one address, and how long a packet may stay incomplete before its connection is closed.
///
/// `sip.trusted_sources` are checked against the address each datagram or connection really came
/// from as well as the source written inside the HEP packet: list the HEP sender (the proxy that
/// mirrors, `127.0.0.1` on the same host) and the trunks.
///
/// Deliberately not handled: TLS, several listen addresses, and HEP types other than SIP (RTCP,
/// logs: counted and dropped).
package struct HEPSettings: Sendable, Hashable {
    package enum Transport: String, Sendable, Hashable, CaseIterable {
        case udp, tcp, both
    }

    package var address = "127.0.0.1"
    package var port: UInt16 = 9060
    package var transport = Transport.udp
    package var authKey: Secret?
    package var queueCapacity = 65_536
    package var maximumConnectionsPerSource = 16
    package var packetTimeout = TimeSpan.seconds(30)

    /// The listener configuration (UDP and TCP listeners share it).
    package var listenerConfiguration: HEPListenerConfiguration {
        HEPListenerConfiguration(
            host: address, port: port, authKey: authKey, queueCapacity: queueCapacity,
            maximumConnectionsPerSource: maximumConnectionsPerSource, packetTimeout: .microseconds(packetTimeout.microseconds))
    }

    /// Reads the section; nil when it is absent.
    static func read(_ node: ConfigNode, resolve: (String) -> String) -> HEPSettings? {
        guard node.isPresent else { return nil }
        var settings = HEPSettings()
        let address = node.string("address", default: settings.address)
        if IPLiteral.parse(address) == nil {
            node.fail("address", "\"\(address)\" is not an IPv4 or IPv6 address (0.0.0.0, ::, 127.0.0.1)")
        } else {
            settings.address = address
        }
        settings.port = UInt16(node.int("port", default: Int(settings.port), range: 0...65_535))
        let transport = node.string("transport", default: settings.transport.rawValue)
        if let value = Transport(rawValue: transport) {
            settings.transport = value
        } else {
            node.fail("transport", "\"\(transport)\" is not one of udp, tcp, both")
        }
        SecretFiles.refuseInline(node, "auth_key", use: "auth_key_file")
        if let key = SecretFiles.secret(node, "auth_key_file", resolve: resolve) {
            if key.isEmpty || key.bytes.count > 255 {
                node.fail("auth_key_file", "the key must be 1–255 bytes")
            } else {
                settings.authKey = key
            }
        }
        settings.queueCapacity = node.int("queue", default: settings.queueCapacity, range: 16...(1 << 22))
        settings.maximumConnectionsPerSource = node.int(
            "max_connections_per_source", default: settings.maximumConnectionsPerSource, range: 1...64)
        settings.packetTimeout = node.duration("packet_timeout", default: settings.packetTimeout)
        if settings.authKey == nil, node.string("auth_key_file") == nil, !ListenerAddress.isLoopback(host: settings.address) {
            node.fail(
                "address", "\(settings.address):\(settings.port) is off loopback without authentication: "
                    + "set hep.auth_key_file (every HEPv3 packet must carry the key) or bind to 127.0.0.1")
        }
        return settings
    }
}
