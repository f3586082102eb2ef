package import CallModel
package import PacketCapture

/// The `hep` section: a HEP collector (Kamailio `siptrace`, heplify, Asterisk `res_hep`,
/// FreeSWITCH `capture-server` send to it). Absent: no listener.
///
/// Keys (defaults in brackets):
/// - `address` [`0.0.0.0`]: the IPv4 or IPv6 literal to bind (`127.0.0.1`, `::`).
/// - `port` [`9060`]; 0 picks a free port (the daemon reports it as `hep.udp`/`hep.tcp` when ready).
/// - `transport` [`udp`]: `udp`, `tcp` (HEPv3 only) or `both` (the same port on each).
/// - `auth_key_file`: a file only the daemon's user can read (or `credential:NAME`, see
///   ``SecretFiles``) holding the auth key; when set, HEPv3 packets must carry it (chunk 0x000e),
///   others are dropped and counted. HEPv1/v2 carry no key and are then dropped too. The old
///   inline `auth_key` is refused.
/// - `queue` [`65536`]: SIP payloads held per listener between its thread and the ingest loop
///   (drop newest when full).
///
/// Deliberately not handled: TLS, several listen addresses, and HEP types other than SIP (RTCP,
/// logs: counted and dropped).
package struct HEPSettings: Sendable, Hashable {
    package enum Transport: String, Sendable, Hashable, CaseIterable {
        case udp, tcp, both
    }

    package var address = "0.0.0.0"
    package var port: UInt16 = 9060
    package var transport = Transport.udp
    package var authKey: Secret?
    package var queueCapacity = 65_536

    /// The listener configuration (UDP and TCP listeners share it).
    package var listenerConfiguration: HEPListenerConfiguration {
        HEPListenerConfiguration(
            host: address, port: port, authKey: authKey, queueCapacity: queueCapacity)
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
        return settings
    }
}
