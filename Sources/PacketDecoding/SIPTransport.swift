/// The transport a SIP message travelled on, as the capture saw it.
///
/// HEP packets report their IP protocol; a value other than UDP, TCP or SCTP becomes `.unknown`.
package enum SIPTransport: String, Hashable, Sendable {
    case udp
    case tcp
    case sctp
    /// SIP over WebSocket (RFC 7118) on an unencrypted TCP connection.
    case webSocket = "ws"
    case unknown

    /// The transport for an IP protocol number (17 UDP, 6 TCP, 132 SCTP).
    package init(ipProtocol: UInt8) {
        switch ipProtocol {
        case 17: self = .udp
        case 6: self = .tcp
        case 132: self = .sctp
        default: self = .unknown
        }
    }
}
