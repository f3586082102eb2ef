package import PacketDecoding

/// Builds the default BPF filter for live capture.
///
/// For SIP ports P and HEP ports H it keeps:
/// - `port P` (UDP, TCP or SCTP, either direction) and `udp port H`;
/// - non-first IPv4 fragments, `(ip[6:2] & 0x1fff != 0)`: they carry no UDP header, so `port`
///   cannot match them, and the reassembler needs them (first fragments match `port`);
/// - IPv6 packets whose first extension header is a Fragment header, `(ip6 and ip6[6] == 44)`:
///   libpcap's `port` does not chase IPv6 extension headers;
/// - on Ethernet only, the same inside one or two VLAN tags: `or (vlan and (… or (vlan and …)))`.
///   Each `vlan` shifts the offsets of everything after it in the expression, so the tagged
///   alternatives come last and nest for QinQ. Linux cooked captures (`any`) get no `vlan` clause:
///   libpcap rejects it there, and the kernel has already stripped the tags.
///
/// Deliberately not handled: IPv6 fragments behind other extension headers, and tunnels (ERSPAN/GRE
/// traffic needs `proto gre` or an explicit filter).
package enum CaptureFilter {
    /// The default filter for a capture of `linkType` (Ethernet gets the VLAN alternatives).
    package static func defaultFilter(linkType: LinkType, sipPorts: [UInt16], hepPorts: [UInt16]) -> String {
        var terms = sipPorts.map { "port \($0)" }
        terms += hepPorts.map { "udp port \($0)" }
        terms += ["(ip[6:2] & 0x1fff != 0)", "(ip6 and ip6[6] == 44)"]
        let base = "(" + terms.joined(separator: " or ") + ")"
        guard linkType == .ethernet else { return base }
        return "\(base) or (vlan and (\(base) or (vlan and \(base))))"
    }
}
