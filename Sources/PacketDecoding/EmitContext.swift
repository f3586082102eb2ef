import CallModel

/// What every payload found in one frame shares: capture time, frame number, and (once the
/// transport header is read) its endpoints.
struct EmitContext {
    var timestamp: Timestamp
    var frameNumber: UInt64
    var source = TransportEndpoint(address: .v4(0), port: 0)
    var destination = TransportEndpoint(address: .v4(0), port: 0)

    init(timestamp: Timestamp, frameNumber: UInt64) {
        self.timestamp = timestamp
        self.frameNumber = frameNumber
    }

    func payload(_ bytes: [UInt8], transport: SIPTransport) -> SIPPayload {
        SIPPayload(
            bytes: bytes, timestamp: timestamp, source: source, destination: destination, transport: transport,
            origin: .frame(number: frameNumber))
    }
}
