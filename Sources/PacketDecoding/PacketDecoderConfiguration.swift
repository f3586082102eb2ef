/// How a ``PacketDecoder`` decodes: reassembly bounds and which ports carry HEPv1/v2.
package struct PacketDecoderConfiguration: Sendable {
    package var fragments: FragmentReassemblyLimits
    package var tcp: TCPReassemblyLimits
    /// UDP ports on which a payload starting with version 1 or 2 is decoded as HEPv1/v2 (which has
    /// no magic). HEPv3 ("HEP3") is recognised on any port.
    package var hepVersion2Ports: Set<UInt16>
    /// Decode HEP found in UDP payloads (HEP captures replayed from a pcap). When false, HEP
    /// datagrams are ignored as not SIP.
    package var decodesHEP: Bool
    /// Tunnels (GRE/ERSPAN) inside tunnels deeper than this are dropped (`encapsulationTooDeep`).
    package var maxEncapsulationDepth: Int

    package init(
        fragments: FragmentReassemblyLimits = .init(), tcp: TCPReassemblyLimits = .init(),
        hepVersion2Ports: Set<UInt16> = [9060], decodesHEP: Bool = true, maxEncapsulationDepth: Int = 3
    ) {
        self.fragments = fragments
        self.tcp = tcp
        self.hepVersion2Ports = hepVersion2Ports
        self.decodesHEP = decodesHEP
        self.maxEncapsulationDepth = maxEncapsulationDepth
    }
}
