import SIPParsing

/// UDP (SIP or HEP), SCTP and GRE/ERSPAN payload handling.
extension PacketDecoder {
    mutating func decodeUDP(
        _ datagram: UnsafeRawBufferPointer, source: IPAddress, destination: IPAddress, context: EmitContext,
        output: inout [SIPPayload]
    ) {
        guard datagram.count >= 8 else {
            counters.count(.udpTruncated)
            return
        }
        var length = Int(datagram.bigEndianUInt16(at: 4))
        if length == 0 { length = datagram.count }  // IPv6 jumbograms and offloaded checksums/lengths
        guard length >= 8 else {
            counters.count(.udpLengthInvalid)
            return
        }
        guard length <= datagram.count else {
            counters.count(.udpTruncated)
            return
        }
        var context = context
        context.source = TransportEndpoint(address: source, port: datagram.bigEndianUInt16(at: 0))
        context.destination = TransportEndpoint(address: destination, port: datagram.bigEndianUInt16(at: 2))
        let payload = datagram.slice(8..<length)
        if configuration.decodesHEP && isHEP(payload, context: context) {
            decodeHEP(payload, context: context, output: &output)
        } else if SIPStartLine.matches(payload) {
            // Into the array the consumer handed back (``recycle(_:)``): no allocation per datagram
            // once it is big enough; the bytes are replaced, never appended to old ones.
            var bytes: [UInt8] = []
            swap(&bytes, &spareBytes)
            payload.withMemoryRebound(to: UInt8.self) { bytes.replaceSubrange(bytes.startIndex..<bytes.endIndex, with: $0) }
            output.append(context.payload(bytes, transport: .udp))
        } else {
            counters.count(.notSIP)
        }
    }

    private func isHEP(_ payload: UnsafeRawBufferPointer, context: EmitContext) -> Bool {
        if HEPDecoder.isVersion3(payload) { return true }
        guard payload.count >= 2, payload.uint8(at: 0) == 1 || payload.uint8(at: 0) == 2,
            payload.uint8(at: 1) == 16 || payload.uint8(at: 1) == 40
        else { return false }
        return configuration.hepVersion2Ports.contains(context.destination.port)
            || configuration.hepVersion2Ports.contains(context.source.port)
    }

    private mutating func decodeHEP(_ payload: UnsafeRawBufferPointer, context: EmitContext, output: inout [SIPPayload]) {
        do {
            let packet = try HEPDecoder.decode(payload)
            counters.hepPackets &+= 1
            output.append(
                try packet.sipPayload(from: payload, fallbackTimestamp: context.timestamp, frameNumber: context.frameNumber))
        } catch {
            counters.count(error.reason)
        }
    }

    mutating func decodeSCTP(
        _ packet: UnsafeRawBufferPointer, source: IPAddress, destination: IPAddress, context: EmitContext,
        output: inout [SIPPayload]
    ) {
        var context = context
        if packet.count >= 4 {
            context.source = TransportEndpoint(address: source, port: packet.bigEndianUInt16(at: 0))
            context.destination = TransportEndpoint(address: destination, port: packet.bigEndianUInt16(at: 2))
        }
        let key = SCTPReassembler.Key(source: context.source, destination: context.destination, streamID: 0)
        var sctp = self.sctp
        self.sctp = SCTPReassembler()
        SCTPChunkReader.forEachDataChunk(in: packet, counters: &counters) { chunk, counters in
            var key = key
            key.streamID = chunk.streamID
            sctp.add(chunk, key: key, timestamp: context.timestamp, counters: &counters) { message, counters in
                if SIPStartLine.matches(message) {
                    output.append(context.payload([UInt8](message), transport: .sctp))
                } else {
                    counters.count(.notSIP)
                }
            }
        }
        self.sctp = sctp
    }

    mutating func decodeGRE(_ packet: UnsafeRawBufferPointer, context: EmitContext, depth: Int, output: inout [SIPPayload]) {
        guard depth < configuration.maxEncapsulationDepth else {
            counters.count(.encapsulationTooDeep)
            return
        }
        switch GREHeaderParser.parse(packet) {
        case .dropped(let reason):
            counters.count(reason)
        case .ethernet(let offset):
            decodeLink(packet.dropping(first: offset), linkType: .ethernet, context: context, depth: depth + 1, output: &output)
        case .ipv4(let offset):
            decodeLink(packet.dropping(first: offset), linkType: .ipv4, context: context, depth: depth + 1, output: &output)
        case .ipv6(let offset):
            decodeLink(packet.dropping(first: offset), linkType: .ipv6, context: context, depth: depth + 1, output: &output)
        }
    }
}
