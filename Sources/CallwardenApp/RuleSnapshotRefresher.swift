package import CallModel
package import CallPipeline
package import CallwardenPorts
package import HarassmentDetection
package import Logging
package import RuleMatching
import ServiceLifecycle
import Synchronization

/// Keeps the published rule snapshot in step with the store: polls the store's rules revision
/// every ``pollInterval`` and, when it moved (a rule added, changed or removed by this or any other
/// process, e.g. `callwarden blocks add`), reads the rules, compiles and publishes them. It also
/// recompiles after ``maximumAge`` without a change, so expired rules leave the snapshot and the
/// snapshot's local-time table never runs out.
///
/// With ``CountingExemptionsFeed`` it also posts what the store says about counting (its `allow`
/// rules and escalation resets, read with the rules) to the ingest loop's mailbox: a false positive
/// removed with `callwarden blocks remove --false-positive` in another process raises the rules
/// revision, and the running detector stops counting that number and forgets its offences.
///
/// The store is queried before anything is replaced: a failed read keeps the old snapshot (and is
/// logged, at most once a minute while it keeps failing). Rules the compiler rejects are logged by
/// id and reason, never by number. Deliberately not handled: compiling in the background while
/// the old snapshot serves (a refresh runs on the service's task; a million rules take about a
/// second), and waking on a notification instead of polling (SQLite has none across processes).
package final class RuleSnapshotRefresher: Service, Sendable {
    package let store: any RuleStore
    package let publisher: RulePublisher
    package let compiler: RuleSnapshotCompiler
    package let pollInterval: Duration
    package let maximumAge: TimeSpan
    package let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let state: Mutex<State>
    private let exemptions: CountingExemptionsFeed?

    /// Where the store's counting exemptions go, and how far back escalation resets matter (the
    /// warm-up horizon: an older reset can no longer change a count).
    package struct CountingExemptionsFeed: Sendable {
        /// Where escalation resets are read (the node's store, SQLite or the shared PostgreSQL);
        /// nil: the allow list only.
        package var store: (any RuleCorrectionStore)?
        package var mailbox: CountingExemptionsMailbox
        package var horizon: TimeSpan

        package init(store: (any RuleCorrectionStore)?, mailbox: CountingExemptionsMailbox, horizon: TimeSpan) {
            self.store = store
            self.mailbox = mailbox
            self.horizon = horizon
        }

        func post(rules: [Rule], at time: Timestamp) throws {
            var resets: [UInt64: Int64] = [:]
            for reset in try store?.escalationResets(since: time - horizon) ?? [] {
                resets[reset.identity.value] = max(resets[reset.identity.value] ?? Int64.min, reset.time.microsecondsSinceEpoch)
            }
            mailbox.post(CountingExemptions(rules: rules, escalationResets: resets))
        }
    }

    private struct State {
        var revision: Int64
        var compiledAt: Timestamp
        var lastFailureLog: Timestamp?
    }

    /// Reads and compiles the store's rules and makes the publisher that serves them.
    ///
    /// - Throws: The store's error when the rules cannot be read (start-up then fails: a daemon
    ///   that cannot read its block list must not pretend to protect anyone).
    package init(
        store: any RuleStore, timeZone: LocalTimeZone, pollInterval: Duration = .milliseconds(25),
        maximumAge: TimeSpan = .hours(6), readerSlots: Int = RulePublisher.defaultReaderSlots, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, exemptions: CountingExemptionsFeed? = nil
    ) throws {
        self.exemptions = exemptions
        self.store = store
        self.compiler = RuleSnapshotCompiler(timeZone: timeZone, arenaAdvice: ArenaHugePages.advise)
        self.pollInterval = pollInterval
        self.maximumAge = maximumAge
        self.logger = logger
        self.now = now
        let time = now()
        let revision = try store.rulesRevision()
        let (snapshot, rules) = try Self.compile(store: store, compiler: compiler, at: time, logger: logger)
        try exemptions?.post(rules: rules, at: time)
        self.publisher = RulePublisher(initial: snapshot, readerSlots: readerSlots)
        self.state = Mutex(State(revision: revision, compiledAt: time))
    }

    /// Publishes a new snapshot when the rules revision moved, the snapshot is older than
    /// ``maximumAge`` or `force` is set; returns whether it did. Frees retired snapshots either way.
    ///
    /// - Throws: The store's error; the published snapshot is then unchanged.
    @discardableResult
    package func refresh(force: Bool = false) throws -> Bool {
        defer { publisher.reclaim() }
        let time = now()
        let revision = try store.rulesRevision()
        let due = state.withLock { state in
            force || revision != state.revision || time - state.compiledAt >= maximumAge
        }
        guard due else { return false }
        // The revision was read first: a change made while reading the rules moves it again and
        // is picked up on the next poll.
        let (snapshot, rules) = try Self.compile(store: store, compiler: compiler, at: time, logger: logger)
        try exemptions?.post(rules: rules, at: time)
        publisher.publish(snapshot)
        state.withLock { state in
            state.revision = revision
            state.compiledAt = time
        }
        logger.debug(
            "rules published",
            metadata: ["rules.revision": "\(revision)", "rules.count": "\(snapshot.statistics.rules)"])
        return true
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try refresh()
            } catch {
                logFailure(error)
            }
            let interval = pollInterval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    private func logFailure(_ error: any Error) {
        let time = now()
        let shouldLog = state.withLock { state in
            guard state.lastFailureLog.map({ time - $0 >= .minutes(1) }) ?? true else { return false }
            state.lastFailureLog = time
            return true
        }
        if shouldLog {
            logger.error("cannot read the rules; the previous rules stay in force", metadata: ["error": "\(error)"])
        }
    }

    private static func compile(
        store: any RuleStore, compiler: RuleSnapshotCompiler, at time: Timestamp, logger: Logger
    ) throws -> (RuleSnapshot, [Rule]) {
        let rules = try store.rules(activeAt: time, includeExpired: false)
        let compilation = compiler.compile(rules, at: time)
        for rejection in compilation.rejected.prefix(20) {
            logger.warning("rule rejected", metadata: ["rule": "\(rejection.ruleID.map(String.init) ?? "?")", "reason": "\(rejection.reason)"])
        }
        if compilation.rejected.count > 20 {
            logger.warning("more rules rejected", metadata: ["rules.rejected": "\(compilation.rejected.count)"])
        }
        return (compilation.snapshot, rules)
    }
}
