package import CallModel
import Synchronization

/// Publishes rule snapshots to any number of reader threads and frees old ones safely
/// (epoch-based reclamation).
///
/// Readers: each ``RuleReader`` owns one cache-line-padded slot. To decide, it reads the global
/// epoch, announces it in its slot, loads the current arena pointer, matches, and announces 0
/// (quiescent) again — all with atomics, never a lock, never waiting on the writer. The
/// announcement and the pointer load are sequentially consistent, so a writer that sees a slot at
/// 0 or at a later epoch knows that reader cannot be inside an older snapshot.
///
/// Writer: ``publish(_:)`` swaps the pointer, retires the old snapshot tagged with the epoch it was
/// current in, advances the epoch, and frees every retired snapshot whose epoch is older than every
/// announced one (and only while no slot-less reader is inside). ``reclaim()`` retries that, for a
/// writer that has nothing new to publish. Writers serialise on a spin lock (an atomic flag: not a
/// `Mutex`, whose internals Thread Sanitizer misreports); readers never touch it.
///
/// When every slot is claimed, ``verdictWithoutSlot(for:calleeKey:at:)`` still answers: such
/// readers count themselves in one shared counter (slower under contention, and while it is
/// non-zero nothing is freed), and the decision is counted in ``RulePublisherStatistics``.
/// Deliberately not handled: a reader that stops for ever inside a decision (then nothing retired
/// after that point is ever freed) — decisions are short, bounded loops.
package final class RulePublisher: @unchecked Sendable {
    // Sendable: the writer-side stored properties are only touched with `writerLock` held;
    // readers reach nothing but `control`'s atomics.
    /// Reader slots when the creator does not say.
    package static let defaultReaderSlots = 64

    let control: ReclamationControl
    private let writerLock = Atomic<Bool>(false)
    private var currentSnapshot: RuleSnapshot
    private var retired: [(snapshot: RuleSnapshot, epoch: UInt64)] = []
    private var published = 0
    private var reclaimed = 0

    /// - Parameters:
    ///   - initial: The snapshot readers see until the first ``publish(_:)``.
    ///   - readerSlots: How many readers may hold a slot at once (at least 1).
    package init(initial: RuleSnapshot, readerSlots: Int = RulePublisher.defaultReaderSlots) {
        currentSnapshot = initial
        control = ReclamationControl(initialArena: UnsafeRawPointer(initial.arena), slotCount: max(readerSlots, 1))
    }

    deinit {
        // No reader is left: each holds a reference to this publisher.
        control.deallocate()
    }

    /// The snapshot readers are being given now.
    package var current: RuleSnapshot { withWriterLock { currentSnapshot } }

    /// Makes `snapshot` the one readers see from now on and frees what has become safe to free.
    ///
    /// Publishing the snapshot that is already current is harmless.
    package func publish(_ snapshot: RuleSnapshot) {
        var freed: [RuleSnapshot] = []
        withWriterLock {
            let old = currentSnapshot
            currentSnapshot = snapshot
            _ = control.current.pointee.exchange(UnsafeRawPointer(snapshot.arena), ordering: .sequentiallyConsistent)
            let epoch = control.epoch.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
            retired.append((old, epoch))
            published += 1
            freed = collectReclaimable()
        }
        _ = freed  // The snapshots are released here, outside the lock.
    }

    /// Frees the retired snapshots no reader can still be inside; returns how many.
    @discardableResult
    package func reclaim() -> Int {
        var freed: [RuleSnapshot] = []
        withWriterLock { freed = collectReclaimable() }
        return freed.count
    }

    /// A reader with its own slot, or nil when all slots are claimed.
    package func makeReader() -> RuleReader? {
        // A plain load first: a thread that finds every slot taken does no read-modify-write.
        for slot in 0..<control.slotCount
        where !control.claim(slot).pointee.load(ordering: .relaxed)
            && control.claim(slot).pointee.compareExchange(
                expected: false, desired: true, ordering: .acquiringAndReleasing
            ).exchanged
        {
            return RuleReader(owner: self, control: control, slot: slot)
        }
        return nil
    }

    /// A verdict for a thread that has no slot: correct, but every such reader shares one counter.
    package func verdictWithoutSlot(for caller: MatchCaller, calleeKey: String, at time: Timestamp) -> RuleVerdict {
        readWithoutSlot { $0.verdict(for: caller, calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch) }
    }

    /// A full decision for a thread that has no slot (see ``verdictWithoutSlot(for:calleeKey:at:)``).
    package func decideWithoutSlot(_ caller: CallerIdentity, calleeKey: String, at time: Timestamp) -> CallDecision {
        readWithoutSlot { view in
            view.decision(
                for: view.verdict(for: MatchCaller(caller), calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch))
        }
    }

    /// Counts so far: publishes, frees, snapshots waiting to be freed, slots in use, overflow decisions.
    package var statistics: RulePublisherStatistics {
        let claimed = (0..<control.slotCount).filter { control.claim($0).pointee.load(ordering: .relaxed) }.count
        let overflow = control.overflowDecisions.pointee.load(ordering: .relaxed)
        return withWriterLock {
            RulePublisherStatistics(
                published: published, reclaimed: reclaimed, pendingReclamation: retired.count, claimedSlots: claimed,
                readerSlots: control.slotCount, overflowDecisions: overflow)
        }
    }

    // MARK: - Private

    private func readWithoutSlot<Result>(_ body: (RuleSnapshotView) -> Result) -> Result {
        control.overflowReaders.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        control.overflowDecisions.pointee.wrappingAdd(1, ordering: .relaxed)
        let arena = control.current.pointee.load(ordering: .sequentiallyConsistent)
        let result = body(RuleSnapshotView(base: arena))
        control.overflowReaders.pointee.wrappingSubtract(1, ordering: .releasing)
        return result
    }

    /// Takes the retired snapshots that are safe to free out of the list (writer lock held).
    private func collectReclaimable() -> [RuleSnapshot] {
        guard !retired.isEmpty else { return [] }
        guard control.overflowReaders.pointee.load(ordering: .sequentiallyConsistent) == 0 else { return [] }
        var oldestAnnounced = UInt64.max
        for slot in 0..<control.slotCount {
            let announced = control.announcement(slot).pointee.load(ordering: .sequentiallyConsistent)
            if announced != 0 { oldestAnnounced = min(oldestAnnounced, announced) }
        }
        // A snapshot retired at epoch E can only be in use by a reader that announced E or earlier.
        var freed: [RuleSnapshot] = []
        retired.removeAll { entry in
            guard entry.epoch < oldestAnnounced else { return false }
            freed.append(entry.snapshot)
            return true
        }
        reclaimed += freed.count
        return freed
    }

    private func withWriterLock<Result>(_ body: () -> Result) -> Result {
        while !writerLock.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {}
        defer { writerLock.store(false, ordering: .releasing) }
        return body()
    }
}

/// Counters of one ``RulePublisher``.
package struct RulePublisherStatistics: Hashable, Sendable {
    package var published: Int
    /// Retired snapshots released (freed unless someone else still holds the object).
    package var reclaimed: Int
    /// Retired snapshots waiting for readers to move on.
    package var pendingReclamation: Int
    package var claimedSlots: Int
    package var readerSlots: Int
    /// Decisions taken without a slot because all were claimed.
    package var overflowDecisions: Int
}
