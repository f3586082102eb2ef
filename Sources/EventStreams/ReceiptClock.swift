import CallModel

#if canImport(Glibc)
import Glibc
#endif

/// The wall clock, for events whose message carries no time of its own (an AMI event without
/// `timestampevents=yes`): the time Callwarden received it.
enum ReceiptClock {
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }
}
