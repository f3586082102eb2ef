package import CallModel
package import PacketDecoding

/// Where a capture thread (``LiveCapture``, ``HEPListener``, ``HEPStreamListener``) hands what it
/// read, on that thread: the frame's bytes straight from libpcap's buffer (no copy), or the SIP
/// payload a HEP packet carried. ``SIPCaptureWorker`` decodes, parses and tracks dialogs there and
/// queues the call events; a thread without a sink queues frames or payloads instead (tests, tools).
///
/// One producing thread per sink: its methods are never called concurrently.
package protocol CaptureSink: AnyObject, Sendable {
    /// One captured frame; `bytes` is valid only during the call.
    func takeFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp)
    /// One SIP payload taken out of a HEP packet.
    func takePayload(_ payload: SIPPayload)
    /// The thread's read timed out with nothing to take: time may be moved on.
    func idle()
}
