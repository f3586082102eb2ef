package import Logging
import Synchronization

/// The process's log level, read by every logger's ``InertLogHandler`` on each message and changed
/// by a configuration reload (`logging.level`), so that one SIGHUP turns debug logging on or off
/// for every logger already made.
///
/// One atomic load per log call, never a lock. Deliberately not handled: per-label levels.
package final class ProcessLogLevel: Sendable {
    /// The one level of the process (logging itself is process-wide: `LoggingSystem.bootstrap`).
    package static let shared = ProcessLogLevel(.info)

    private let raw: Atomic<UInt8>

    package init(_ level: Logger.Level) {
        raw = Atomic(Self.code(level))
    }

    package var level: Logger.Level {
        get { Self.allLevels[Int(raw.load(ordering: .relaxed))] }
        set { raw.store(Self.code(newValue), ordering: .relaxed) }
    }

    private static let allLevels = Logger.Level.allCases

    private static func code(_ level: Logger.Level) -> UInt8 {
        UInt8(allLevels.firstIndex(of: level) ?? 0)
    }
}
