import Foundation
import Ingest

#if canImport(Glibc)
import Glibc
#endif

/// The systemd watchdog (`WatchdogSec=` in the unit): a thread of its own sends `WATCHDOG=1` every
/// half period, but only while the ingest loop proves itself alive — its last finished round
/// (`IngestLoopMetrics`, wall clock) is younger than the period. A loop that hangs (a stuck store,
/// a deadlock) stops the pings and systemd restarts the daemon; a blind timer would not notice.
/// Does nothing when systemd asked for no watchdog (`$WATCHDOG_USEC` unset, or for another pid).
/// Deliberately not handled: the other services' liveness (their listeners answer or fail on their own).
final class SystemdWatchdog: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `condition`.
    private let period: Duration
    private let lastAlive: @Sendable () -> Int64
    private let now: @Sendable () -> Int64
    private let condition = NSCondition()
    private var stopped = false

    /// The watchdog period systemd asked for, or nil.
    static func requestedPeriod() -> Duration? {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return .microseconds(microseconds)
    }

    /// - Parameters:
    ///   - lastAlive: when the ingest loop last finished a round, in microseconds since the epoch (0: not yet).
    ///   - now: the same clock, now.
    init(period: Duration, lastAlive: @escaping @Sendable () -> Int64, now: @escaping @Sendable () -> Int64) {
        self.period = period
        self.lastAlive = lastAlive
        self.now = now
    }

    /// Whether the loop is alive now: it finished a round within the last period.
    var loopIsAlive: Bool {
        let last = lastAlive()
        let periodMicroseconds = period.components.seconds * 1_000_000 + period.components.attoseconds / 1_000_000_000_000
        return last > 0 && now() - last < periodMicroseconds
    }

    func start() {
        ThreadPriority.normal.startThread(named: "callwarden-watchdog") { [self] in pingWhileAlive() }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func pingWhileAlive() {
        let half = Double(period.components.seconds) / 2 + Double(period.components.attoseconds) / 2e18
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if loopIsAlive { SystemdNotifier.notify("WATCHDOG=1") }
            _ = condition.wait(until: Date().addingTimeInterval(half))
        }
    }
}
