import CallModel
import Foundation

extension WallClock {
    /// The system's clock for these tests (the daemon injects `Ingest`'s `WallClock.system`).
    static let testSystem = WallClock {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
