package import SIPParsing

/// Framing of a flow's in-order bytes by its mode: SIP messages by Content-Length, the HTTP
/// upgrade handshake, then one SIP message per WebSocket message. Message boundaries and start-line
/// sniffing are SIPParsing's (``SIPParsing/SIPStreamFramer``, ``SIPParsing/SIPStartLine``).
extension TCPFlow {
    /// Frames complete messages from the start of `bytes` and appends them to `output`. Returns how
    /// many bytes were used up; the rest waits for more. When framing fails it sets `synchronized`
    /// to false (or the mode to `.notSIP`) and reports everything used up.
    mutating func frame(
        _ bytes: UnsafeRawBufferPointer, context: EmitContext, limits: TCPReassemblyLimits,
        counters: inout PacketDecoderCounters, output: inout [SIPPayload]
    ) -> Int {
        var offset = 0
        while offset < bytes.count {
            let rest = bytes.dropping(first: offset)
            switch mode {
            case .undetermined:
                if HTTPUpgradeDetector.startsHTTP(rest) {
                    mode = .httpUpgrade
                    continue
                }
                switch SIPStartLine.classify(rest) {
                case .sip: mode = .sip
                case .needMoreBytes: return offset
                case .notSIP:
                    mode = .notSIP
                    return bytes.count
                }
            case .sip:
                let frame: SIPStreamFramer.Frame
                do {
                    frame = try SIPStreamFramer.nextFrame(in: rest, maximumLength: limits.maxMessageBytes)
                } catch {
                    counters.count(PacketDropReason(framing: error))
                    synchronized = false
                    return bytes.count
                }
                switch frame {
                case .needMoreBytes:
                    return offset
                case .keepAlive(let count):
                    offset += count
                case .message(let length, _):
                    output.append(context.payload([UInt8](rest.slice(0..<length)), transport: .tcp))
                    offset += length
                }
            case .httpUpgrade:
                switch HTTPUpgradeDetector.examine(rest, maxHeaderBytes: limits.maxMessageBytes) {
                case .needMoreBytes:
                    return offset
                case .upgrade(let headerLength):
                    mode = .webSocket
                    offset += headerLength
                case .notUpgrade:
                    mode = .notSIP
                    return bytes.count
                }
            case .webSocket:
                switch WebSocketFrameReader.nextFrame(in: rest, maxPayloadBytes: limits.maxMessageBytes) {
                case .needMoreBytes:
                    return offset
                case .frame(let header):
                    takeWebSocketFrame(header, in: rest, context: context, limits: limits, counters: &counters, output: &output)
                    if mode == .notSIP { return bytes.count }
                    offset += header.payload.upperBound
                case .invalid:
                    counters.count(.webSocketFrameInvalid)
                    mode = .notSIP
                    return bytes.count
                }
            case .notSIP:
                return bytes.count
            }
        }
        return offset
    }

    private mutating func takeWebSocketFrame(
        _ header: WebSocketFrameReader.Header, in frame: UnsafeRawBufferPointer, context: EmitContext,
        limits: TCPReassemblyLimits, counters: inout PacketDecoderCounters, output: inout [SIPPayload]
    ) {
        let payload = frame.slice(header.payload)
        switch header.opcode {
        case 8, 9, 10:
            return  // close, ping, pong
        case 1, 2, 0:
            guard header.reservedBits == 0 else {
                // Compressed (permessage-deflate): cannot be read; skip the frame.
                counters.count(.webSocketFrameInvalid)
                return
            }
            guard (header.opcode == 0) == (webSocketMessage != nil) else {
                counters.count(.webSocketFrameInvalid)
                mode = .notSIP
                return
            }
            var message = webSocketMessage ?? []
            if let key = header.maskKey {
                message.append(contentsOf: WebSocketFrameReader.unmasked(payload, key: key))
            } else {
                message.append(contentsOf: payload)
            }
            guard message.count <= limits.maxMessageBytes else {
                counters.count(.tcpMessageTooLarge)
                webSocketMessage = nil
                return
            }
            guard header.fin else {
                webSocketMessage = message
                return
            }
            webSocketMessage = nil
            let isSIP = message.withUnsafeBytes { SIPStartLine.matches($0) }
            if isSIP {
                output.append(context.payload(message, transport: .webSocket))
            } else {
                counters.count(.notSIP)
            }
        default:
            counters.count(.webSocketFrameInvalid)
            mode = .notSIP
        }
    }
}

extension PacketDropReason {
    /// Why a TCP stream could not be framed: a bad or conflicting Content-Length, or a message
    /// (or headers) over the reassembly bound.
    package init(framing error: SIPParseError) {
        self = error.code == .badContentLength ? .tcpContentLengthInvalid : .tcpMessageTooLarge
    }
}
