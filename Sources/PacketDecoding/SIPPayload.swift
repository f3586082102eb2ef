package import CallModel

/// One SIP message's bytes as seen on the wire or in a HEP packet, with its addressing and capture
/// time: what the SIP parser consumes.
///
/// For UDP and HEP the bytes are the whole datagram payload (one message, not trimmed to its
/// Content-Length); for TCP, SCTP and WebSocket exactly one framed message.
/// Deliberately not handled here: whether the bytes are a well-formed SIP message (only the start
/// line was sniffed, and for streams the Content-Length was read) — that is the parser's job.
package struct SIPPayload: Sendable {
    package var bytes: [UInt8]
    /// Capture time: the frame's time, or the time inside the HEP packet when it has one.
    package var timestamp: Timestamp
    package var source: TransportEndpoint
    package var destination: TransportEndpoint
    package var transport: SIPTransport
    package var origin: PayloadOrigin

    package init(
        bytes: [UInt8], timestamp: Timestamp, source: TransportEndpoint, destination: TransportEndpoint,
        transport: SIPTransport, origin: PayloadOrigin
    ) {
        self.bytes = bytes
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.transport = transport
        self.origin = origin
    }
}
