package import CallModel
import SIPParsing

extension HEPPacket {
    /// The largest inflated payload accepted from a compressed chunk.
    package static let maxInflatedPayloadBytes = 256 << 10

    /// The SIP message this packet carries, with its addressing, time and HEP origin.
    ///
    /// Needs a payload, both addresses and both ports (`hepMissingChunk` otherwise); a protocol
    /// type other than SIP (1) is `hepNotSIP`; a packet without a protocol type is taken as SIP when
    /// its payload starts like SIP. Without a time chunk, `fallbackTimestamp` (the frame's or
    /// the receive time) is used. A compressed payload is inflated (`hepCompressedPayloadInvalid`
    /// when that fails).
    /// - Parameters:
    ///   - bytes: the bytes this packet was decoded from (its ranges point into them).
    ///   - frameNumber: the frame that carried the packet, when it came from a capture.
    package func sipPayload(
        from bytes: UnsafeRawBufferPointer, fallbackTimestamp: Timestamp, frameNumber: UInt64? = nil
    ) throws(HEPDecodingError) -> SIPPayload {
        if let protocolType, protocolType != 1 { throw HEPDecodingError(.hepNotSIP) }
        guard let payload, let sourceAddress, let destinationAddress, let sourcePort, let destinationPort else {
            throw HEPDecodingError(.hepMissingChunk)
        }
        guard payload.upperBound <= bytes.count else { throw HEPDecodingError(.hepTruncated) }
        var message: [UInt8]
        if payloadIsCompressed {
            guard let inflated = Inflater.inflate(bytes.slice(payload), maxOutputBytes: Self.maxInflatedPayloadBytes)
            else { throw HEPDecodingError(.hepCompressedPayloadInvalid) }
            message = inflated
        } else {
            message = [UInt8](bytes.slice(payload))
        }
        if protocolType == nil {
            let isSIP = message.withUnsafeBytes { SIPStartLine.matches($0) }
            guard isSIP else { throw HEPDecodingError(.hepNotSIP) }
        }
        let origin = HEPOrigin(
            version: version, captureID: captureID,
            correlationID: correlationID.map { String(decoding: bytes.slice($0), as: UTF8.self) },
            nodeName: nodeName.map { String(decoding: bytes.slice($0), as: UTF8.self) },
            frameNumber: frameNumber)
        return SIPPayload(
            bytes: message, timestamp: timestamp ?? fallbackTimestamp,
            source: TransportEndpoint(address: sourceAddress, port: sourcePort),
            destination: TransportEndpoint(address: destinationAddress, port: destinationPort),
            transport: SIPTransport(ipProtocol: ipProtocol ?? 17), origin: .hep(origin))
    }

    /// Whether the packet's auth key chunk equals `key` (false when it has none).
    package func authKeyMatches(_ key: [UInt8], in bytes: UnsafeRawBufferPointer) -> Bool {
        guard let authKey, authKey.upperBound <= bytes.count else { return false }
        return bytes.slice(authKey).elementsEqual(key)
    }
}
