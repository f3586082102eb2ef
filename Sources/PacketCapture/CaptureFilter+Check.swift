import CPcap
package import PacketDecoding

extension CaptureFilter {
    /// Compiles `filter` for a capture of `linkType` without opening any interface (no privilege
    /// needed), so a configuration check can report a bad filter before the daemon starts.
    /// - Returns: libpcap's message when the filter does not compile; nil when it does.
    /// Deliberately not handled: filters valid for one interface's link type and not another's
    /// (`vlan` on `any`): the check uses the link type the caller names.
    package static func problem(with filter: String, linkType: LinkType) -> String? {
        guard let handle = pcap_open_dead(Int32(bitPattern: linkType.rawValue), 262_144) else {
            return "libpcap could not compile filters"
        }
        defer { pcap_close(handle) }
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            return PcapHandle.lastError(handle)
        }
        pcap_freecode(&program)
        return nil
    }
}
