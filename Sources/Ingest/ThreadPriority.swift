import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How much CPU a thread of ours gets when the machine is busy, against the process's other threads.
///
/// The decision service answers a PBX that holds a ringing call until it hears back; the ingest
/// loop (decoding, detection, the store's commits) only lags when it gets less CPU: its input waits
/// in the files and bounded queues. Under a telephony DoS both want the CPU at once, and on a small
/// host the scheduler's time slices then land in the answers (p99 of ~4 ms at 5,000 questions/s
/// with both on one core). A ``bulk`` thread runs at nice 19, the lowest (Linux keeps a nice value
/// per thread), so a decision thread that wakes up is run first; the bulk thread still gets the
/// CPU the others leave, all of an idle one, and a small share (weight 15 against 1,024) of a
/// saturated one. Nice +10 measured half-way (p99 ~1.7–2.0 ms against ~1.0–1.5 ms at 19);
/// `SCHED_IDLE` measured the same as 19 and would give the ingest almost nothing on a host the
/// PBX saturates.
///
/// Used by: the ingest loop, retention and detection across sites (``DedicatedThread``). The rules
/// refresher and the alert dispatcher stay ``normal`` (a new block and an alert must not wait
/// behind a DoS), and so does every ``ThreadExecutor``: their jobs resume tasks. A thread started
/// by a bulk thread is bulk too (an unprivileged process cannot raise a priority again), which is
/// why a bulk thread never resumes a task itself (``PriorityHandoff``).
///
/// Deliberately not handled: capture and HEP threads stay at ``normal`` (a capture thread that falls
/// behind loses packets in the kernel, which no later catch-up recovers); real-time scheduling
/// classes (they need privileges and can starve the host); platforms other than Linux, where the
/// call is a no-op. The systemd unit allows `setpriority` alone of `@resources` for this; where it is
/// refused, the ingest loop says so at start.
package enum ThreadPriority: Sendable {
    /// The process's own priority.
    case normal
    /// Throughput work that may lag behind latency-bound work: nice 19 (``bulkNiceIncrement`` above the
    /// process's, at most 19).
    case bulk

    /// The nice increment a ``bulk`` thread takes.
    package static let bulkNiceIncrement: Int32 = 19

    /// The calling thread's nice value, or nil where it cannot be read.
    package static func currentNice() -> Int32? {
        #if os(Linux)
        errno = 0
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? nice : nil
        #else
        return nil
        #endif
    }

    /// Applies this priority to the calling thread and names it `name` (what `top -H` and
    /// `/proc/…/task/…/comm` show; cut to the 15 bytes Linux keeps). Foundation's `Thread.name` does
    /// not reach the kernel on Linux: without this every thread of ours showed its creator's name.
    @discardableResult
    package func applyToCurrentThread(named name: String) -> Int32? {
        #if os(Linux)
        // `pthread_setname_np` and `prctl` are not visible to Swift here (GNU extension, variadic):
        // the kernel takes the name from the thread's own `comm` file as well.
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        if descriptor >= 0 {
            let bytes = Array(name.utf8.prefix(15))
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        #endif
        return applyToCurrentThread()
    }

    /// Starts a thread named `name` (Foundation's name and the kernel's, see
    /// ``applyToCurrentThread(named:)``) that runs `body` at this priority.
    package func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            applyToCurrentThread(named: name)
            body()
        }
        thread.name = name
        thread.start()
    }

    /// Applies this priority to the calling thread (a thread starts with its creator's nice value).
    /// Returns the thread's nice value afterwards, or nil when it could not be read or set (the
    /// thread then runs at the priority it had; nothing else depends on it).
    @discardableResult
    package func applyToCurrentThread() -> Int32? {
        #if os(Linux)
        // With PRIO_PROCESS and 0, Linux reads and sets the calling thread's own nice value.
        guard let current = Self.currentNice() else { return nil }
        guard self == .bulk else { return current }
        let lowered = min(19, current + Self.bulkNiceIncrement)
        guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, lowered) == 0 else { return nil }
        return lowered
        #else
        return nil
        #endif
    }
}
