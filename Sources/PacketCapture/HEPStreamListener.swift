package import BoundedQueues
import Glibc
package import ListenerGuards
package import PacketDecoding
import Synchronization

/// Receives HEPv3 over TCP (a byte stream of back-to-back HEP3 packets, framed by the length at
/// offset 4) on a thread of its own that polls the listening socket and every connection.
///
/// Bounds: at most ``maxConnections`` connections and
/// ``HEPListenerConfiguration/maximumConnectionsPerSource`` from one address (more are accepted
/// and closed at once, counted as ``refusedConnections`` and in ``guardCounters``); a connection
/// holds at most one partial packet (≤ 65,535 bytes, the largest HEP length), for at most
/// ``HEPListenerConfiguration/packetTimeout``. A stream that is not HEPv3 or declares a length
/// under 6 cannot be framed any further, and a packet with a wrong auth key ends the connection:
/// closed and the reason counted. Decoding and the queue are as in ``HEPListener``; each payload
/// carries the connection's real peer for the trust check.
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
    private let slots: SourceSlots
    /// Refusals (full, per source) and closes (incomplete packet too old, wrong auth key): a
    /// metrics source, `callwarden_listener_*{listener="hep.tcp"}`.
    package let guardCounters = ListenerGuardCounters(listener: "hep.tcp")

    /// - Parameter sink: where SIP payloads go, on the listener's thread (``SIPCaptureWorker``);
    ///   without one they are queued in ``payloads``.
    package init(configuration: HEPListenerConfiguration, sink: (any CaptureSink)? = nil) throws(CaptureError) {
        self.configuration = configuration
        runner = try HEPSocketRunner(.stream, configuration: configuration, sink: sink)
        slots = SourceSlots(total: Self.maxConnections, perSource: configuration.maximumConnectionsPerSource)
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

    /// One open connection: its unframed bytes, its real peer, since when a packet is incomplete.
    private struct Connection {
        var stream: [UInt8] = []
        var peer: IPAddress?
        var sourceKey: String
        var partialSince: ContinuousClock.Instant?
    }

    private func serve() {
        var connections: [Int32: Connection] = [:]
        let capacity = 65_536
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer {
            scratch.deallocate()
            for (descriptor, connection) in connections {
                slots.release(source: connection.sourceKey)
                close(descriptor)
            }
        }
        while !runner.isStopRequested {
            var descriptors = [pollfd(fd: runner.socket.descriptor, events: Int16(POLLIN), revents: 0)]
            descriptors += connections.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), 100)
            closeOverdue(&connections)
            guard ready > 0 else {
                runner.intake.sink?.idle()
                continue
            }
            for entry in descriptors where entry.revents != 0 {
                if entry.fd == runner.socket.descriptor {
                    acceptAll(into: &connections)
                    continue
                }
                guard var connection = connections.removeValue(forKey: entry.fd) else { continue }
                let received = recv(entry.fd, scratch.baseAddress, capacity, 0)
                if received > 0 {
                    connection.stream.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<received]))
                    if let reason = frame(&connection.stream, from: connection.peer) {
                        if reason == .authFailed { guardCounters.countClose(.authFailed) }
                        end(entry.fd, connection)
                        continue
                    }
                    if connection.stream.isEmpty {
                        connection.partialSince = nil
                    } else if connection.partialSince == nil {
                        connection.partialSince = .now
                    }
                    connections[entry.fd] = connection
                } else if received == 0 || (errno != EAGAIN && errno != EINTR) {
                    if !connection.stream.isEmpty { runner.intake.count(.hepTruncated) }
                    end(entry.fd, connection)
                } else {
                    connections[entry.fd] = connection
                }
            }
        }
    }

    /// Closes the connections whose incomplete packet is older than the packet timeout.
    private func closeOverdue(_ connections: inout [Int32: Connection]) {
        let now = ContinuousClock.now
        for (descriptor, connection) in connections {
            guard let since = connection.partialSince, now - since > configuration.packetTimeout else { continue }
            connections[descriptor] = nil
            guardCounters.countClose(.lineDeadline)
            runner.intake.count(.hepTruncated)
            end(descriptor, connection)
        }
    }

    private func end(_ descriptor: Int32, _ connection: Connection) {
        slots.release(source: connection.sourceKey)
        close(descriptor)
    }

    private func acceptAll(into connections: inout [Int32: Connection]) {
        while true {
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(runner.socket.descriptor, $0, &peerLength) }
            }
            guard descriptor >= 0 else { return }
            let address = PeerAddress.ipAddress(peer)
            let key = PeerAddress.key(address)
            if let refusal = slots.claim(source: key) {
                close(descriptor)
                refused.wrappingAdd(1, ordering: .relaxed)
                guardCounters.countRefusal(refusal)
                continue
            }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            connections[descriptor] = Connection(peer: address, sourceKey: key)
            accepted.wrappingAdd(1, ordering: .relaxed)
        }
    }

    private enum FramingFailure { case unframeable, authFailed }

    /// Takes every whole packet from the front of `stream`, sent by `peer`. Nil, or why the
    /// connection must end: the stream cannot be framed, or a packet failed the auth key (a TCP
    /// sender with a wrong key is closed rather than kept).
    private func frame(_ stream: inout [UInt8], from peer: IPAddress?) -> FramingFailure? {
        var offset = 0
        let failure = stream.withUnsafeBytes { bytes -> FramingFailure? in
            while bytes.count - offset >= 6 {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                guard let length = HEPDecoder.packetLength(in: rest) else {
                    runner.intake.count(.hepVersionUnsupported)
                    return .unframeable
                }
                guard length >= 6 else {
                    runner.intake.count(.hepLengthMismatch)
                    return .unframeable
                }
                guard rest.count >= length else { break }
                if runner.intake.take(UnsafeRawBufferPointer(rebasing: rest[0..<length]), from: peer) == .authFailed {
                    return .authFailed
                }
                offset += length
            }
            return nil
        }
        if failure == nil && offset > 0 { stream.removeFirst(offset) }
        return failure
    }
}
