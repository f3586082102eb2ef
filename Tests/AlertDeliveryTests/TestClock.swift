import CallModel
import SystemClock

extension WallClock {
    /// The system's clock for these tests (the one the daemon injects).
    static let testSystem = WallClock.system
}
