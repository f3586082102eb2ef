/// A capture's link-layer header type: the DLT value libpcap's `pcap_datalink()` returns, or the
/// LINKTYPE value written in a pcap/pcapng file (they differ only for raw IP and BSD loopback,
/// and both spellings are accepted).
///
/// Deliberately not handled: OpenBSD's DLT numbering (DLT_RAW 14, DLT_LOOP 12), 802.11, PPP,
/// and the many other link types a SIP sniffer does not meet on a server.
package struct LinkType: Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt32

    package init(rawValue: UInt32) { self.rawValue = rawValue }

    /// DLT_NULL / LINKTYPE_NULL: 4-byte address family in the capturing host's byte order.
    package static let null = Self(rawValue: 0)
    /// DLT_EN10MB: Ethernet II.
    package static let ethernet = Self(rawValue: 1)
    /// DLT_RAW as Linux's libpcap reports it.
    package static let rawDLT = Self(rawValue: 12)
    /// LINKTYPE_RAW as written in files.
    package static let raw = Self(rawValue: 101)
    /// DLT_LOOP / LINKTYPE_LOOP: 4-byte address family, big-endian.
    package static let loop = Self(rawValue: 108)
    /// Linux cooked capture v1 (16-byte header).
    package static let linuxSLL = Self(rawValue: 113)
    /// LINKTYPE_IPV4: raw IPv4.
    package static let ipv4 = Self(rawValue: 228)
    /// LINKTYPE_IPV6: raw IPv6.
    package static let ipv6 = Self(rawValue: 229)
    /// Linux cooked capture v2 (20-byte header), what `-i any` gives on recent libpcap.
    package static let linuxSLL2 = Self(rawValue: 276)

    package var description: String {
        switch self {
        case .null: "null"
        case .ethernet: "ethernet"
        case .rawDLT, .raw: "raw"
        case .loop: "loop"
        case .linuxSLL: "linux-sll"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .linuxSLL2: "linux-sll2"
        default: "linktype-\(rawValue)"
        }
    }
}
