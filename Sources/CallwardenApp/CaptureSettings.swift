import Foundation
package import PacketCapture
import PacketDecoding

/// The `capture` section: live capture of SIP from a network interface. Absent: no capture.
///
/// Keys (defaults in brackets):
/// - `interface` [`any`]: an interface name (`eth0`) or `any` (all interfaces, Linux cooked v2).
/// - `filter`: a BPF filter (`pcap-filter(7)`); absent: the default, which keeps `sip_ports` and
///   `hep_ports`, IPv4/IPv6 fragments and (on Ethernet) VLAN/QinQ-tagged frames.
/// - `sip_ports` [`[5060, 5061, 5080]`], `hep_ports` [`[9060]`]: the ports of the default filter.
/// - `snaplen` [`262144`]: bytes kept per frame (64–262144).
/// - `buffer_size` [`32MiB`]: the kernel ring buffer (`1MiB`–`2GiB`; plain bytes, `k`/`KiB`, `M`/`MiB`, `G`/`GiB`).
/// - `promiscuous` [`false`], `queue` [`65536`]: frames held between the capture thread and the
///   ingest loop (drop newest when full).
///
/// Deliberately not handled: several interfaces in one section (use `any` and a filter), monitor
/// mode, and writing what is captured to disk.
///
/// Needs CAP_NET_RAW (see README, "SIP capture and HEP"). The filter is compiled when the
/// configuration is read (for Ethernet, or Linux cooked v2 on `any`) and again on the interface
/// when the daemon starts; a bad filter is a configuration error with libpcap's message.
package struct CaptureSettings: Sendable, Hashable {
    package var interface = "any"
    package var filter: String?
    package var sipPorts: [UInt16] = [5060, 5061, 5080]
    package var hepPorts: [UInt16] = [9060]
    package var snapLength = 262_144
    package var bufferSize = 32 << 20
    package var promiscuous = false
    package var queueCapacity = 65_536

    /// The live capture these settings describe (SLL2 on `any`).
    package var liveConfiguration: LiveCaptureConfiguration {
        LiveCaptureConfiguration(
            interface: interface, filter: filter, sipPorts: sipPorts, hepPorts: hepPorts, snapLength: Int32(snapLength),
            bufferSize: Int32(bufferSize), promiscuous: promiscuous, queueCapacity: queueCapacity)
    }

    /// Reads the section; nil when it is absent.
    static func read(_ node: ConfigNode) -> CaptureSettings? {
        guard node.isPresent else { return nil }
        var settings = CaptureSettings()
        let interface = node.string("interface", default: settings.interface)
        if interface.isEmpty || interface.count > 64 || interface.contains(where: { $0 == " " || $0 == "/" }) {
            node.fail("interface", "\"\(interface)\" is not an interface name (eth0, ens3, any)")
        } else {
            settings.interface = interface
        }
        if let filter = node.string("filter") {
            let linkType: LinkType = settings.interface == "any" ? .linuxSLL2 : .ethernet
            if filter.trimmingCharacters(in: .whitespaces).isEmpty {
                node.fail("filter", "is empty (leave it out for the default filter)")
            } else if let problem = CaptureFilter.problem(with: filter, linkType: linkType) {
                node.fail("filter", "\"\(filter)\" does not compile: \(problem)")
            } else {
                settings.filter = filter
            }
        }
        settings.sipPorts = ConfigValues.ports(node, "sip_ports") ?? settings.sipPorts
        settings.hepPorts = ConfigValues.ports(node, "hep_ports", allowEmpty: true) ?? settings.hepPorts
        settings.snapLength = node.int("snaplen", default: settings.snapLength, range: 64...262_144)
        settings.bufferSize = ConfigValues.bytes(node, "buffer_size", default: settings.bufferSize, range: (1 << 20)...(1 << 31 - 1))
        settings.promiscuous = node.bool("promiscuous", default: settings.promiscuous)
        settings.queueCapacity = node.int("queue", default: settings.queueCapacity, range: 16...(1 << 22))
        return settings
    }
}
