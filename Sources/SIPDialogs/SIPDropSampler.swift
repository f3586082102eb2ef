package import CallModel

/// Decides when one summary line about dropped input is due, so that a flood of bad packets costs
/// one log line per interval instead of one per packet. Pure: the owner hands in the counters and
/// the wall-clock time, and logs the report it gets back.
///
/// Deliberately not handled: the content of what was dropped (SIP carries personal data; the
/// reason names are enough to start looking with tshark).
package struct SIPDropSampler: Sendable {
    /// What was dropped since the previous report.
    package struct Report: Sendable, Equatable {
        /// The drops in the interval, by exported reason name, non-zero only, largest first.
        package var drops: [Drop]
        /// The sum of ``drops``.
        package var total: UInt64
        /// Capture-side queue drops in the interval (drop newest), reported beside the malformed ones.
        package var queueDrops: UInt64
    }

    package struct Drop: Sendable, Equatable {
        package var name: String
        package var count: UInt64
    }

    package let interval: TimeSpan
    private var lastReport: Timestamp?
    private var reported: [String: UInt64] = [:]
    private var reportedQueueDrops: UInt64 = 0

    package init(interval: TimeSpan = .seconds(60)) {
        self.interval = interval
    }

    /// A report when at least ``interval`` passed since the last one (or this is the first call
    /// after drops began) and something was dropped since; nil otherwise.
    /// - Parameters:
    ///   - counters: the pipeline's counters now (cumulative).
    ///   - queueDrops: the source's cumulative queue drops (frames or payloads refused when full).
    ///   - now: wall-clock time.
    package mutating func report(_ counters: SIPIngestCounters, queueDrops: UInt64 = 0, now: Timestamp) -> Report? {
        if let last = lastReport, now < last + interval { return nil }
        var drops: [Drop] = []
        for (name, count) in counters.malformedDrops {
            let before = reported[name] ?? 0
            if count > before { drops.append(Drop(name: name, count: count - before)) }
        }
        let newQueueDrops = queueDrops > reportedQueueDrops ? queueDrops - reportedQueueDrops : 0
        guard !drops.isEmpty || newQueueDrops > 0 else { return nil }
        for (name, count) in counters.malformedDrops { reported[name] = count }
        reportedQueueDrops = queueDrops
        lastReport = now
        drops.sort { ($0.count, $1.name) > ($1.count, $0.name) }
        return Report(drops: drops, total: drops.reduce(0) { $0 &+ $1.count }, queueDrops: newQueueDrops)
    }
}
