package import CallModel

/// One captured frame as a capture source hands it over: link type, capture time and the captured
/// bytes (possibly shorter than the frame on the wire when the snap length cut it).
package struct CapturedFrame: Sendable {
    package var linkType: LinkType
    package var timestamp: Timestamp
    /// The captured bytes, from the link-layer header on.
    package var bytes: [UInt8]
    /// The frame's length on the wire; larger than `bytes.count` when truncated by the snap length.
    package var originalLength: Int

    package init(linkType: LinkType, timestamp: Timestamp, bytes: [UInt8], originalLength: Int? = nil) {
        self.linkType = linkType
        self.timestamp = timestamp
        self.bytes = bytes
        self.originalLength = originalLength ?? bytes.count
    }
}
