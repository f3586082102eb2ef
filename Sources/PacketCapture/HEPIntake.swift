package import BoundedQueues
import CPcap
import CallModel
import Glibc
import ListenerGuards
import MetricsExposition
import PacketDecoding
import Synchronization

/// What both HEP listeners do with one HEP packet: decode it, check the auth key, turn it into a
/// SIP payload and hand it to the ``CaptureSink`` (or queue it, without one); or count why not. Used from the listener's own thread only (one
/// producer); the counters may be read from anywhere.
final class HEPIntake: @unchecked Sendable {
    /// Read once per packet (an atomic load): a reload may replace it.
    let authKey: ReloadableSetting<Secret?>
    let payloads: BoundedQueue<SIPPayload>
    let sink: (any CaptureSink)?
    private let drops = AtomicCounterArray(count: PacketDropReason.allCases.count)
    private let handedToSink = Atomic<UInt64>(0)

    init(authKey: ReloadableSetting<Secret?>, queueCapacity: Int, sink: (any CaptureSink)?) {
        self.authKey = authKey
        self.sink = sink
        self.payloads = BoundedQueue(capacity: sink == nil ? queueCapacity : 2)
    }

    /// The packet's auth key chunk compared with `key` in constant time (false when it has none).
    private static func keyMatches(_ key: Secret, packet: HEPPacket, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard let range = packet.authKey, range.upperBound <= bytes.count else { return false }
        return key.matches(bytes[range])
    }

    /// SIP payloads handed on: queued, or given to the sink.
    var payloadsTaken: UInt64 { payloads.acceptedCount &+ handedToSink.load(ordering: .relaxed) }

    /// What became of one packet.
    enum Taken {
        case handedOn
        /// Malformed, not SIP, or the queue was full (counted).
        case dropped
        /// The auth key was missing or wrong (counted).
        case authFailed
    }

    /// Takes one whole HEP packet that really came from `sender` (the socket's peer), which the
    /// payload carries for the trust check (``PacketDecoding/HEPOrigin/sender``).
    @discardableResult
    func take(_ packetBytes: UnsafeRawBufferPointer, from sender: IPAddress? = nil) -> Taken {
        do {
            let packet = try HEPDecoder.decode(packetBytes)
            if let authKey = authKey.current, !Self.keyMatches(authKey, packet: packet, in: packetBytes) {
                count(.hepAuthKeyMismatch)
                return .authFailed
            }
            var payload = try packet.sipPayload(from: packetBytes, fallbackTimestamp: Self.now())
            if case .hep(var origin) = payload.origin {
                origin.sender = sender
                payload.origin = .hep(origin)
            }
            if let sink {
                sink.takePayload(payload)
                handedToSink.wrappingAdd(1, ordering: .relaxed)
            } else {
                guard payloads.tryPush(payload) else { return .dropped }
            }
            return .handedOn
        } catch {
            count(error.reason)
            return .dropped
        }
    }

    func count(_ reason: PacketDropReason) { drops.add(reason.rawValue) }

    func dropCount(_ reason: PacketDropReason) -> UInt64 { UInt64(truncatingIfNeeded: drops.value(reason.rawValue)) }

    /// The fallback time of a HEP packet without one. Deliberately a raw `CLOCK_REALTIME` read, not
    /// the injected `WallClock`: it runs per packet on the capture thread (the hot path), where a
    /// closure call through the clock costs more than the read; it is the same system clock.
    private static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(microsecondsSinceEpoch: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000)
    }
}
