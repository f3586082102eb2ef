package import CallPipeline
package import HarassmentDetection
import Synchronization

/// Hands the store's allow list and escalation resets from the rules refresher (its thread) to
/// the ingest loop (its thread): the refresher posts what it read; the loop, once per round, takes
/// it only when it is newer than what it took last. An unchanged mailbox costs the loop one atomic
/// load; the lock is taken once per change, never per event.
package final class CountingExemptionsMailbox: Sendable {
    private let posted = Atomic<UInt64>(0)
    private let taken = Atomic<UInt64>(0)
    private let latest = Mutex(CountingExemptions())

    package init() {}

    /// Posts `exemptions` when they differ from the last ones posted.
    package func post(_ exemptions: CountingExemptions) {
        let changed = latest.withLock { latest in
            guard latest != exemptions else { return false }
            latest = exemptions
            return true
        }
        if changed { posted.wrappingAdd(1, ordering: .releasing) }
    }

    /// The exemptions posted since the last take, or nil. One consumer.
    package func takeIfNew() -> CountingExemptions? {
        let version = posted.load(ordering: .acquiring)
        guard version != taken.load(ordering: .relaxed) else { return nil }
        taken.store(version, ordering: .relaxed)
        return latest.withLock { $0 }
    }

    /// The exemptions last posted, whether taken or not: for a processor built anew (a reload).
    package func current() -> CountingExemptions { latest.withLock { $0 } }

    /// For the ingest loop's `beforeRound`: applies new exemptions to `processor`.
    package func apply(to processor: inout CallEventProcessor) {
        if let exemptions = takeIfNew() { processor.apply(exemptions) }
    }
}
