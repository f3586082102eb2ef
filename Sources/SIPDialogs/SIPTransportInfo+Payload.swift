package import PacketDecoding
package import SIPParsing

extension SIPTransportInfo {
    /// The parser's view of how `payload` travelled: its endpoints, transport and capture time.
    package init(_ payload: SIPPayload) {
        self.init(
            source: SIPEndpoint(payload.source), destination: SIPEndpoint(payload.destination),
            transport: SIPParsing.SIPTransport(payload.transport), time: payload.timestamp)
        if case .hep(let origin) = payload.origin, let sender = origin.sender { relayedBy = SIPAddress(sender) }
    }
}

extension SIPEndpoint {
    /// The same address and port in the parser's types.
    package init(_ endpoint: TransportEndpoint) {
        self.init(address: SIPAddress(endpoint.address), port: endpoint.port)
    }
}

extension SIPAddress {
    /// The same address in the parser's types (both keep the bits as big-endian integers).
    package init(_ address: IPAddress) {
        switch address {
        case .v4(let value): self = .ipv4(value)
        case .v6(let high, let low): self = .ipv6(high, low)
        }
    }
}

extension SIPParsing.SIPTransport {
    /// The parser's transport for what the capture saw. A capture cannot see TLS or WSS (they are
    /// unreadable there), so those never come from a frame; a HEP packet's odd protocol is `unknown`.
    package init(_ transport: PacketDecoding.SIPTransport) {
        switch transport {
        case .udp: self = .udp
        case .tcp: self = .tcp
        case .sctp: self = .sctp
        case .webSocket: self = .ws
        case .unknown: self = .unknown
        }
    }
}
