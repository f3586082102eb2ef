/// Where a ``SIPPayload`` came from.
package enum PayloadOrigin: Hashable, Sendable {
    /// Read directly from a captured frame: the number (1-based, in capture order) of the frame that
    /// completed the message — for a message split over TCP segments or IP fragments, the last one.
    case frame(number: UInt64)
    /// Carried in a HEP packet, itself received on a socket or read from a captured frame.
    case hep(HEPOrigin)
}

/// What a HEP packet said about itself, beside the SIP message it carried.
package struct HEPOrigin: Hashable, Sendable {
    /// 1, 2 or 3.
    package var version: UInt8
    /// The capture agent id (16-bit in HEPv2, 32-bit in HEPv3); nil when the packet had none.
    package var captureID: UInt32?
    /// HEPv3 correlation id (chunk 0x0011), often the Call-ID; nil when absent.
    package var correlationID: String?
    /// HEPv3 capture node name (chunk 0x0013); nil when absent.
    package var nodeName: String?
    /// The frame that carried the HEP packet when it was read from a capture; nil from a socket.
    package var frameNumber: UInt64?
    /// The address the HEP packet really came from (the datagram's or connection's peer), unlike
    /// the addresses written inside it; nil when read from a capture file.
    package var sender: IPAddress?

    package init(
        version: UInt8, captureID: UInt32? = nil, correlationID: String? = nil, nodeName: String? = nil,
        frameNumber: UInt64? = nil
    ) {
        self.version = version
        self.captureID = captureID
        self.correlationID = correlationID
        self.nodeName = nodeName
        self.frameNumber = frameNumber
    }
}
