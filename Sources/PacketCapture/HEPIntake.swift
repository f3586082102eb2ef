import CPcap
import CallModel
import Glibc
import MetricsExposition
import PacketDecoding

/// What both HEP listeners do with one HEP packet: decode it, check the auth key, turn it into a
/// SIP payload and queue it; or count why not. Used from the listener's own thread only (one
/// producer); the counters may be read from anywhere.
final class HEPIntake: @unchecked Sendable {
    let authKey: Secret?
    let payloads: BoundedQueue<SIPPayload>
    private let drops = AtomicCounterArray(count: PacketDropReason.allCases.count)

    init(authKey: Secret?, queueCapacity: Int) {
        self.authKey = authKey
        self.payloads = BoundedQueue(capacity: queueCapacity)
    }

    /// The packet's auth key chunk compared with `key` in constant time (false when it has none).
    private static func keyMatches(_ key: Secret, packet: HEPPacket, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard let range = packet.authKey, range.upperBound <= bytes.count else { return false }
        return key.matches(bytes[range])
    }

    /// Takes one whole HEP packet.
    func take(_ packetBytes: UnsafeRawBufferPointer) {
        do {
            let packet = try HEPDecoder.decode(packetBytes)
            if let authKey, !Self.keyMatches(authKey, packet: packet, in: packetBytes) {
                count(.hepAuthKeyMismatch)
                return
            }
            let payload = try packet.sipPayload(from: packetBytes, fallbackTimestamp: Self.now())
            payloads.tryPush(payload)
        } catch {
            count(error.reason)
        }
    }

    func count(_ reason: PacketDropReason) { drops.add(reason.rawValue) }

    func dropCount(_ reason: PacketDropReason) -> UInt64 { UInt64(truncatingIfNeeded: drops.value(reason.rawValue)) }

    private static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(microsecondsSinceEpoch: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000)
    }
}
