package import CallModel

#if canImport(Glibc)
import Glibc
#endif

/// # SystemClock
///
/// The one place that reads the system's wall clock for processing time. The core cannot (it makes
/// no system calls), so ``CallModel/WallClock/system`` lives here, in an adapter every other
/// adapter may use as its default; the daemon's builder and the CLI each make one clock and inject
/// it. Monotonic deadlines (timeouts, intervals) use Swift's `ContinuousClock` instead and are not
/// this module's business.
extension WallClock {
    /// The system's real-time clock (`CLOCK_REALTIME`, to the microsecond): the daemon's one
    /// source of processing time, made by the composition root and the CLI and passed in.
    package static let system = WallClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }
}
