/// An IP address and a transport port: one end of a UDP datagram, TCP connection or SCTP
/// association. `description` is `192.0.2.1:5060` or `[2001:db8::1]:5060`.
package struct TransportEndpoint: Hashable, Sendable, CustomStringConvertible {
    package var address: IPAddress
    package var port: UInt16

    package init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    package var description: String {
        address.isV6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
