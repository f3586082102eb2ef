package import PacketCapture
package import PacketDecoding

/// Where a ``SIPCaptureSource`` takes its input from: the bounded queue a capture thread fills.
/// Each queue has one consumer, the source's drain. Deliberately not handled: frames and payloads
/// mixed in one source (a live capture that also receives HEP decodes it from the frames).
package enum SIPCaptureInput: Sendable {
    /// Frames from a live capture (decoded by the source's packet decoder).
    case frames(BoundedQueue<CapturedFrame>)
    /// SIP payloads already taken out of HEP packets by one or more listeners (UDP, TCP).
    case payloads([BoundedQueue<SIPPayload>])

    /// Elements refused by the queues because they were full (drop newest), since they were made.
    package var queueDrops: UInt64 {
        switch self {
        case .frames(let queue): queue.droppedCount
        case .payloads(let queues): queues.reduce(0) { $0 &+ $1.droppedCount }
        }
    }
}
