package import Logging

/// Logs malformed input without letting it flood the journal: the first bad line of each interval
/// is logged with its file, line number and reason; the rest are counted and summarised in one
/// line when the next interval begins. Nothing of the line's content is logged (it may hold
/// personal data); the line number is enough to find it.
package struct MalformedLineSampler {
    private let interval: Duration
    /// The sampling interval is monotonic (an interval, not processing time): deliberately not the injected WallClock.
    private let clock = ContinuousClock()
    private var windowStart: ContinuousClock.Instant?
    private var suppressed = 0

    package init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    package mutating func record(file: String, line: Int64, reason: String, logger: Logger) {
        let now = clock.now
        if let start = windowStart, now - start < interval {
            suppressed += 1
            return
        }
        if suppressed > 0 {
            logger.warning(
                "malformed CDR lines skipped since the last report",
                metadata: ["cdr.file": "\(file)", "cdr.skipped": "\(suppressed)"])
        }
        suppressed = 0
        windowStart = now
        logger.warning(
            "malformed CDR line skipped",
            metadata: ["cdr.file": "\(file)", "cdr.line": "\(line)", "cdr.reason": "\(reason)"])
    }
}
