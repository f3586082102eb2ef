package import BoundedQueues
import CallModel
import Glibc
package import PacketDecoding
import Synchronization

/// Receives HEPv3 and HEPv1/v2 over UDP on a thread of its own, decodes each datagram and queues the
/// SIP payload it carries.
///
/// Every datagram is counted; one that is malformed, not SIP, or fails the auth-key check is
/// dropped and counted by reason (``dropCount(_:)``); a full queue drops the newest payload
/// (`BoundedQueue.droppedCount`). The socket is bound in ``init(configuration:)`` so a port in
/// use fails there. A packet without a time chunk gets the receive time (wall clock). Each payload
/// carries the datagram's real sender (`recvfrom`), which trust is checked against besides the
/// addresses written inside the packet.
/// Deliberately not handled: TLS, and HEP types other than SIP (counted `hepNotSIP`). HEP over TCP
/// is ``HEPStreamListener``.
package final class HEPListener: @unchecked Sendable {
    package let configuration: HEPListenerConfiguration
    /// The UDP port bound.
    package let port: UInt16
    /// SIP payloads for the consumer when there is no sink. One consumer at a time.
    package let payloads: BoundedQueue<SIPPayload>
    private let runner: HEPSocketRunner
    private let datagrams = Atomic<UInt64>(0)

    /// - Parameter sink: where SIP payloads go, on the listener's thread (``SIPCaptureWorker``);
    ///   without one they are queued in ``payloads``.
    package init(configuration: HEPListenerConfiguration, sink: (any CaptureSink)? = nil) throws(CaptureError) {
        self.configuration = configuration
        runner = try HEPSocketRunner(.datagram, configuration: configuration, sink: sink)
        port = runner.socket.port
        payloads = runner.intake.payloads
    }

    /// Starts the listener thread. A second call does nothing.
    package func start() throws(CaptureError) {
        try runner.start { [self] in receiveLoop() }
    }

    /// Stops the listener thread and waits for it (at most about 100 ms).
    package func stop() { runner.stop() }

    /// Datagrams received since the listener started.
    package var datagramsReceived: UInt64 { datagrams.load(ordering: .relaxed) }

    /// Datagrams dropped for `reason`.
    package func dropCount(_ reason: PacketDropReason) -> UInt64 { runner.intake.dropCount(reason) }

    /// SIP payloads handed on (queued or given to the sink) since the listener started.
    package var payloadsTaken: UInt64 { runner.intake.payloadsTaken }

    private func receiveLoop() {
        let capacity = 65_536
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while !runner.isStopRequested {
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(runner.socket.descriptor, buffer.baseAddress, capacity, 0, $0, &peerLength)
                }
            }
            guard received >= 0 else {  // timeout (EAGAIN) or EINTR: check for stop
                runner.intake.sink?.idle()
                continue
            }
            datagrams.wrappingAdd(1, ordering: .relaxed)
            runner.intake.take(UnsafeRawBufferPointer(rebasing: buffer[0..<received]), from: PeerAddress.ipAddress(peer))
        }
    }
}
