package import CallModel

/// One decoded HEP packet (v1, v2 or v3). Variable-length values (payload, auth key, correlation
/// id, node name) are ranges into the bytes that were decoded, so decoding copies nothing.
///
/// Every field is optional because HEPv3 chunks are: what must be present depends on the use
/// (``HEPPacket/sipPayload(from:fallbackTimestamp:frameNumber:)`` says what a SIP payload needs).
package struct HEPPacket: Sendable, Equatable {
    package var version: UInt8
    /// 2 = IPv4, 10 = IPv6 (Linux AF values; other agents' values are kept as sent).
    package var addressFamily: UInt8?
    /// 17 UDP, 6 TCP, 132 SCTP.
    package var ipProtocol: UInt8?
    package var sourceAddress: IPAddress?
    package var destinationAddress: IPAddress?
    package var sourcePort: UInt16?
    package var destinationPort: UInt16?
    package var timestampSeconds: UInt32?
    package var timestampMicroseconds: UInt32?
    /// 1 SIP, 5 RTCP, 100 log ...
    package var protocolType: UInt8?
    package var captureID: UInt32?
    package var keepAliveTimer: UInt16?
    package var authKey: Range<Int>?
    /// The captured payload (chunk 0x000f), or the compressed payload (0x0010) when
    /// `payloadIsCompressed`.
    package var payload: Range<Int>?
    package var payloadIsCompressed = false
    package var correlationID: Range<Int>?
    package var vlanID: UInt16?
    package var nodeName: Range<Int>?

    package init(version: UInt8) {
        self.version = version
    }

    /// The agent's capture time, when the packet carried seconds (microseconds default to 0).
    package var timestamp: Timestamp? {
        guard let seconds = timestampSeconds else { return nil }
        return Timestamp(microsecondsSinceEpoch: Int64(seconds) * 1_000_000 + Int64(timestampMicroseconds ?? 0))
    }
}

/// Why a HEP packet could not be decoded or used: the drop reason it is counted under.
package struct HEPDecodingError: Error, Equatable, Sendable {
    package var reason: PacketDropReason

    package init(_ reason: PacketDropReason) {
        self.reason = reason
    }
}
