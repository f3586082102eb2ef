package import BoundedQueues
import Glibc
package import PacketDecoding
import Synchronization

/// Receives HEPv3 over TCP (a byte stream of back-to-back HEP3 packets, framed by the length at
/// offset 4) on a thread of its own that polls the listening socket and every connection.
///
/// Bounds: at most ``maxConnections`` connections (more are accepted and closed at once, counted
/// as ``refusedConnections``); a connection holds at most one partial packet (≤ 65,535 bytes, the
/// largest HEP length). A stream that is not HEPv3 or declares a length under 6 cannot be framed
/// any further: that connection is closed and the reason counted. Decoding, the auth key and the
/// queue are as in ``HEPListener``.
/// Deliberately not handled: HEPv1/v2 over TCP (no length to frame by), and TLS.
package final class HEPStreamListener: @unchecked Sendable {
    package static let maxConnections = 64
    package let configuration: HEPListenerConfiguration
    /// The TCP port bound.
    package let port: UInt16
    /// SIP payloads for the consumer when there is no sink. One consumer at a time.
    package let payloads: BoundedQueue<SIPPayload>
    private let runner: HEPSocketRunner
    private let accepted = Atomic<UInt64>(0)
    private let refused = Atomic<UInt64>(0)

    /// - Parameter sink: where SIP payloads go, on the listener's thread (``SIPCaptureWorker``);
    ///   without one they are queued in ``payloads``.
    package init(configuration: HEPListenerConfiguration, sink: (any CaptureSink)? = nil) throws(CaptureError) {
        self.configuration = configuration
        runner = try HEPSocketRunner(.stream, configuration: configuration, sink: sink)
        port = runner.socket.port
        payloads = runner.intake.payloads
    }

    /// Starts the listener thread. A second call does nothing.
    package func start() throws(CaptureError) {
        try runner.start { [self] in serve() }
    }

    /// Stops the thread (closing every connection) and waits for it (at most about 100 ms).
    package func stop() { runner.stop() }

    package var acceptedConnections: UInt64 { accepted.load(ordering: .relaxed) }
    package var refusedConnections: UInt64 { refused.load(ordering: .relaxed) }

    /// Packets dropped for `reason`.
    package func dropCount(_ reason: PacketDropReason) -> UInt64 { runner.intake.dropCount(reason) }

    /// SIP payloads handed on (queued or given to the sink) since the listener started.
    package var payloadsTaken: UInt64 { runner.intake.payloadsTaken }

    private func serve() {
        var connections: [Int32: [UInt8]] = [:]
        let capacity = 65_536
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer {
            scratch.deallocate()
            for descriptor in connections.keys { close(descriptor) }
        }
        while !runner.isStopRequested {
            var descriptors = [pollfd(fd: runner.socket.descriptor, events: Int16(POLLIN), revents: 0)]
            descriptors += connections.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&descriptors, nfds_t(descriptors.count), 100) > 0 else {
                runner.intake.sink?.idle()
                continue
            }
            for entry in descriptors where entry.revents != 0 {
                if entry.fd == runner.socket.descriptor {
                    acceptAll(into: &connections)
                    continue
                }
                let received = recv(entry.fd, scratch.baseAddress, capacity, 0)
                if received > 0 {
                    connections[entry.fd, default: []].append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<received]))
                    var stream = connections[entry.fd] ?? []
                    connections[entry.fd] = nil
                    if frame(&stream) {
                        connections[entry.fd] = stream
                    } else {
                        close(entry.fd)
                    }
                } else if received == 0 || (errno != EAGAIN && errno != EINTR) {
                    if let rest = connections.removeValue(forKey: entry.fd), !rest.isEmpty { runner.intake.count(.hepTruncated) }
                    close(entry.fd)
                }
            }
        }
    }

    private func acceptAll(into connections: inout [Int32: [UInt8]]) {
        while true {
            let connection = accept(runner.socket.descriptor, nil, nil)
            guard connection >= 0 else { return }
            guard connections.count < Self.maxConnections else {
                close(connection)
                refused.wrappingAdd(1, ordering: .relaxed)
                continue
            }
            _ = fcntl(connection, F_SETFL, fcntl(connection, F_GETFL) | O_NONBLOCK)
            connections[connection] = []
            accepted.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// Takes every whole packet from the front of `stream`. False when the stream cannot be framed.
    private func frame(_ stream: inout [UInt8]) -> Bool {
        var offset = 0
        let framed = stream.withUnsafeBytes { bytes -> Bool in
            while bytes.count - offset >= 6 {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                guard let length = HEPDecoder.packetLength(in: rest) else {
                    runner.intake.count(.hepVersionUnsupported)
                    return false
                }
                guard length >= 6 else {
                    runner.intake.count(.hepLengthMismatch)
                    return false
                }
                guard rest.count >= length else { break }
                runner.intake.take(UnsafeRawBufferPointer(rebasing: rest[0..<length]))
                offset += length
            }
            return true
        }
        if framed && offset > 0 { stream.removeFirst(offset) }
        return framed
    }
}
