package import CallModel

#if canImport(Glibc)
import Glibc
#endif

extension WallClock {
    /// The system's real-time clock (`CLOCK_REALTIME`, to the microsecond): the daemon's one
    /// source of processing time, made by the composition root and the CLI and passed in.
    package static let system = WallClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }
}
