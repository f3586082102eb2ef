package import CallModel

#if canImport(Glibc)
import Glibc
#endif

/// Processing time from the system clock, for checkpoints, audit entries and rule creation.
/// Detection never reads it: it runs on event time.
package enum WallClock {
    package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }
}
