package import CallModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Processing time from the system's real-time clock.
///
/// Foundation's `Date` rather than `clock_gettime`: in this module `timespec` resolves to NIO's C
/// shim as well as Glibc's, which member import visibility refuses. A `Double` of seconds keeps
/// sub-microsecond precision for the next centuries.
package enum SystemClock {
    @Sendable
    package static func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
