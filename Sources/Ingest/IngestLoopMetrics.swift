package import MetricsExposition

/// Counters of the daemon's ingest loop (``IngestLoop``), a ``MetricsExposition/MetricsSource``:
/// per CDR file the lines read, the malformed ones among them and the call events committed; per
/// pushed source the events committed; failed commits; and when the loop last finished a round
/// (its liveness: an idle loop still finishes a round every poll interval).
///
/// Counted once per committed step, never per line or event, with relaxed atomics (no lock, no
/// wait); a scrape reads them from any thread. Deliberately not handled: how far a file's reader
/// lags behind the file's end (that needs a `stat` at scrape time), and per-kind detection counts.
package final class IngestLoopMetrics: MetricsSource {
    /// The followed files' paths (the `file` label), in configuration order.
    package let files: [String]
    /// The pushed sources' names (the `source` label), in the order the loop drains them.
    package let pushedSources: [String]
    private static let perFile = 3
    private let fileCounters: AtomicCounterArray
    private let pushedCounters: AtomicCounterArray
    private let commitFailures = AtomicCounterArray(count: 1)
    /// 1 while the last commit failed (the loop retries it), 0 once one succeeded.
    private let storeFailing = AtomicCounterArray(count: 1)
    /// Calls the witness correlation forgot to stay within its capacity (the processor's count).
    private let correlationEvictions = AtomicCounterArray(count: 1)
    /// Microseconds since the epoch (wall clock) at the end of the last round; 0 before the first.
    private let lastRound = AtomicCounterArray(count: 1)
    /// The spool's capacity (nil: the loop has no spool, and its metrics are not exported).
    package let spoolCapacity: Int?
    /// Events in the spool now, spooled in all, moved to the store in all, drains refused (full).
    private let spoolCounters = AtomicCounterArray(count: 4)

    package init(files: [String], pushedSources: [String], spoolCapacity: Int? = nil) {
        self.files = files
        self.pushedSources = pushedSources
        self.spoolCapacity = spoolCapacity
        fileCounters = AtomicCounterArray(count: files.count * Self.perFile)
        pushedCounters = AtomicCounterArray(count: pushedSources.count)
    }

    /// One step of file `index` committed: `lines` read, `malformed` of them skipped, `events` stored.
    package func countCommitted(file index: Int, lines: Int, malformed: Int, events: Int) {
        guard index >= 0, index < files.count else { return }
        fileCounters.add(index * Self.perFile, lines)
        fileCounters.add(index * Self.perFile + 1, malformed)
        fileCounters.add(index * Self.perFile + 2, events)
    }

    /// One drain of pushed source `index` committed with `events` events.
    package func countCommitted(pushedSource index: Int, events: Int) {
        pushedCounters.add(index, events)
    }

    /// A commit failed (it is retried with backoff): the daemon is degraded until one succeeds.
    package func countCommitFailure() {
        commitFailures.add(0)
        storeFailing.store(0, 1)
    }

    /// A commit succeeded.
    package func commitSucceeded() {
        if storeFailing.value(0) != 0 { storeFailing.store(0, 0) }
    }

    /// Whether the last commit failed.
    package var isStoreFailing: Bool { storeFailing.value(0) != 0 }

    package var healthProblem: String? {
        isStoreFailing ? "the store cannot be written (the ingest loop retries its batch; calls are decided from the last rules)" : nil
    }

    /// The spool holds `count` events (read at start).
    package func setSpooled(_ count: Int) { spoolCounters.store(0, count) }

    /// `count` pushed events went to the spool; it holds `total` now.
    package func countSpooled(_ count: Int, total: Int) {
        spoolCounters.add(1, count)
        spoolCounters.store(0, total)
    }

    /// `count` spooled events were moved to the store; `left` remain.
    package func countUnspooled(_ count: Int, left: Int) {
        spoolCounters.add(2, count)
        spoolCounters.store(0, left)
    }

    /// A pushed source was not drained because the spool was full.
    package func countSpoolFull() { spoolCounters.add(3) }

    /// Events waiting in the spool.
    package var spooledCount: Int { spoolCounters.value(0) }

    /// The processor's witness correlation has evicted `total` calls since start-up.
    package func setCorrelationEvictions(_ total: Int) {
        correlationEvictions.store(0, total)
    }

    /// The loop finished a round at `microsecondsSinceEpoch` (wall clock).
    package func roundFinished(atMicroseconds microsecondsSinceEpoch: Int64) {
        lastRound.store(0, Int(microsecondsSinceEpoch))
    }

    /// When the loop last finished a round, in microseconds since the epoch (0: not yet).
    package var lastRoundMicroseconds: Int64 { Int64(lastRound.value(0)) }

    /// Lines read from file `index`, malformed ones included.
    package func lineCount(file index: Int) -> Int { fileCounters.value(index * Self.perFile) }
    /// Malformed lines skipped in file `index`.
    package func malformedCount(file index: Int) -> Int { fileCounters.value(index * Self.perFile + 1) }

    package func collectMetrics(into collector: inout MetricsCollector) {
        for (index, path) in files.enumerated() {
            collector.counter(
                "callwarden_cdr_lines_total", help: "CDR lines read and committed, malformed ones included, by file.",
                labels: ["file": path], value: lineCount(file: index))
            collector.counter(
                "callwarden_cdr_malformed_lines_total", help: "CDR lines skipped as malformed, by file.",
                labels: ["file": path], value: malformedCount(file: index))
            collector.counter(
                "callwarden_cdr_events_committed_total", help: "Call events from CDR lines committed to the store, by file.",
                labels: ["file": path], value: fileCounters.value(index * Self.perFile + 2))
        }
        for (index, name) in pushedSources.enumerated() {
            collector.counter(
                "callwarden_pushed_events_committed_total",
                help: "Call events from pushed sources (decision, SIP, event streams) committed to the store, by source.",
                labels: ["source": name], value: pushedCounters.value(index))
        }
        collector.counter(
            "callwarden_ingest_commit_failures_total", help: "Store commits of the ingest loop that failed and were retried.",
            value: commitFailures.value(0))
        collector.gauge(
            "callwarden_store_degraded",
            help: "1 while the ingest loop cannot commit to the store (it retries; decisions go on from the last rules), else 0.",
            value: isStoreFailing ? 1 : 0)
        collector.counter(
            "callwarden_call_correlation_evictions_total",
            help: "Calls forgotten by the witness correlation (fixed capacity, oldest first); a later witness of one counts it again.",
            value: correlationEvictions.value(0))
        if let spoolCapacity {
            collector.gauge(
                "callwarden_ingest_spooled_events",
                help: "Pushed events waiting in the node's local spool for the shared store (they move to it when it answers).",
                value: spoolCounters.value(0))
            collector.gauge(
                "callwarden_ingest_spool_capacity_events", help: "The most events the local spool holds (store.spool_limit).",
                value: spoolCapacity)
            collector.counter(
                "callwarden_ingest_spooled_events_total", help: "Pushed events written to the local spool because the store could not take them.",
                value: spoolCounters.value(1))
            collector.counter(
                "callwarden_ingest_unspooled_events_total", help: "Spooled pushed events moved to the store once it answered again.",
                value: spoolCounters.value(2))
            collector.counter(
                "callwarden_ingest_spool_full_total",
                help: "Times a pushed source was left undrained because the spool was full (its own queue then counts what it drops).",
                value: spoolCounters.value(3))
        }
        let last = lastRound.value(0)
        if last > 0 {
            collector.gauge(
                "callwarden_ingest_last_round_timestamp_seconds",
                help: "When the ingest loop last finished a round (Unix time); it stops moving if the loop is stuck.",
                value: Double(last) / 1_000_000)
        }
    }
}
