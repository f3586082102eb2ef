package import CallModel

/// How and when one SIP message travelled: what the packet decoder (or a HEP header) says about
/// it. Filled by whoever hands SIP bytes to this module; nothing here reads packets.
package struct SIPTransportInfo: Hashable, Sendable {
    package var source: SIPEndpoint
    package var destination: SIPEndpoint
    package var transport: SIPTransport
    /// When the message was captured (capture time, not processing time).
    package var time: Timestamp
    /// The address that relayed the message to us (the real sender of a HEP packet), when it was
    /// relayed: ``source`` is then only what the relay wrote. Trust needs both (``SIPTrustPolicy``).
    package var relayedBy: SIPAddress?

    package init(source: SIPEndpoint, destination: SIPEndpoint, transport: SIPTransport, time: Timestamp) {
        self.source = source
        self.destination = destination
        self.transport = transport
        self.time = time
    }
}

/// An IP address and port.
package struct SIPEndpoint: Hashable, Sendable, CustomStringConvertible {
    package var address: SIPAddress
    package var port: UInt16

    package init(address: SIPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `192.0.2.1:5060`, `[2001:db8::1]:5060`.
    package var description: String {
        switch address {
        case .ipv4: "\(address):\(port)"
        case .ipv6: "[\(address)]:\(port)"
        }
    }
}

/// An IPv4 or IPv6 address as its numeric value (network byte order read as big-endian).
package enum SIPAddress: Hashable, Sendable, CustomStringConvertible {
    case ipv4(UInt32)
    /// The 128 bits as high and low halves.
    case ipv6(UInt64, UInt64)

    /// Dotted quad, or RFC 5952 text (lower case, the longest run of zero groups as `::`).
    package var description: String {
        switch self {
        case .ipv4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .ipv6(let high, let low):
            let groups = (0..<8).map { index -> UInt16 in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> UInt64((3 - index % 4) * 16))
            }
            var bestStart = -1
            var bestLength = 1
            var runStart = -1
            for index in 0...8 {
                if index < 8, groups[index] == 0 {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index - runStart > bestLength {
                        bestStart = runStart
                        bestLength = index - runStart
                    }
                    runStart = -1
                }
            }
            func hex(_ range: Range<Int>) -> String {
                range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
            }
            guard bestStart >= 0 else { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
    }
}

/// The transport a message arrived on.
package enum SIPTransport: String, Hashable, Sendable, CaseIterable {
    case udp, tcp, tls, sctp, ws, wss
    /// Not known (a HEP packet with an unusual protocol number).
    case unknown
}
