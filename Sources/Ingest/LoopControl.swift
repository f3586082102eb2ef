import Foundation

/// How the async world tells the loop's thread to stop, and how the thread sleeps between rounds
/// without missing that. A condition variable, not the cooperative pool: the thread waits on it.
/// Used by the ingest loop and by other loops on threads of their own (`CrossSiteDetection`).
package final class LoopControl: @unchecked Sendable {
    // @unchecked: `request` is read and written only with `condition` locked.

    package enum Request: Int, Comparable {
        case run = 0
        /// Finish the current step, drain the acknowledged sources once more, then stop.
        case graceful = 1
        /// Stop after the current step; a commit that keeps failing is given up.
        case cancel = 2

        package static func < (lhs: Request, rhs: Request) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private let condition = NSCondition()
    private var request = Request.run

    package init() {}

    /// Asks the loop to stop; a stronger request replaces a weaker one, never the other way.
    package func requestStop(_ stop: Request) {
        condition.lock()
        if stop > request { request = stop }
        condition.broadcast()
        condition.unlock()
    }

    package var current: Request {
        condition.lock()
        defer { condition.unlock() }
        return request
    }

    /// Sleeps up to `interval`, or less when a stop is requested (at once when one already was).
    package func sleep(_ interval: Duration) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while request == .run, condition.wait(until: deadline) {}
        condition.unlock()
    }

    /// Like ``sleep(_:)``, but only a `cancel` ends it early (a commit retried during a graceful stop
    /// keeps its backoff).
    package func sleepUnlessCancelled(_ interval: Duration) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while request != .cancel, condition.wait(until: deadline) {}
        condition.unlock()
    }
}
