package import CallModel
import Synchronization

/// One reader's claim on a ``RulePublisher``: a slot of its own, used by one thread at a time.
///
/// Each decision is one read section: announce the current epoch in the slot, load the current
/// snapshot's arena pointer, match through it, announce quiescence. No lock, no waiting, no
/// reference counting and no allocation (``decide(_:calleeKey:at:)`` additionally retains the
/// deciding rule's reason and target strings). The slot is given back when the reader is
/// destroyed. Not copyable, so two threads can never share a slot; move it to the thread that
/// uses it (or keep it in that thread's thread-local storage).
package struct RuleReader: ~Copyable, @unchecked Sendable {
    // Sendable: a reader is moved, never shared (it is not copyable); what it points to is atomics
    // and immutable arenas kept alive by the publisher's reclamation.
    private let owner: RulePublisher
    private let current: UnsafeMutablePointer<Atomic<UnsafeRawPointer>>
    private let epoch: UnsafeMutablePointer<Atomic<UInt64>>
    private let announcement: UnsafeMutablePointer<Atomic<UInt64>>
    private let claim: UnsafeMutablePointer<Atomic<Bool>>
    /// The slot this reader owns.
    package let slot: Int

    init(owner: RulePublisher, control: ReclamationControl, slot: Int) {
        self.owner = owner
        self.current = control.current
        self.epoch = control.epoch
        self.announcement = control.announcement(slot)
        self.claim = control.claim(slot)
        self.slot = slot
    }

    deinit {
        announcement.pointee.store(0, ordering: .releasing)
        claim.pointee.store(false, ordering: .releasing)
    }

    /// The compact verdict for `caller` calling the party keyed `calleeKey` at `time`.
    @inline(__always)
    package func verdict(for caller: MatchCaller, calleeKey: String, at time: Timestamp) -> RuleVerdict {
        read { $0.verdict(for: caller, calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch) }
    }

    /// The full decision for `caller` (counted identity) calling the party keyed `calleeKey` at `time`.
    package func decide(_ caller: CallerIdentity, calleeKey: String, at time: Timestamp) -> CallDecision {
        read { view in
            view.decision(
                for: view.verdict(for: MatchCaller(caller), calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch))
        }
    }

    /// The full decision for an already reduced caller.
    @inline(__always)
    package func decide(_ caller: MatchCaller, calleeKey: String, at time: Timestamp) -> CallDecision {
        read { view in
            view.decision(for: view.verdict(for: caller, calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch))
        }
    }

    /// Runs `body` inside a read section, as if a decision were in progress for its whole length:
    /// a snapshot retired meanwhile is not freed until it returns. For tests and diagnostics; the
    /// writer side must not be blocked on `body`, or nothing is freed meanwhile.
    package func holdingReadSection<Result>(_ body: () throws -> Result) rethrows -> Result {
        let announced = epoch.pointee.load(ordering: .sequentiallyConsistent)
        announcement.pointee.store(announced, ordering: .sequentiallyConsistent)
        defer { announcement.pointee.store(0, ordering: .releasing) }
        _ = current.pointee.load(ordering: .sequentiallyConsistent)
        return try body()
    }

    /// One read section around `body` (the view must not escape it).
    @inline(__always)
    private func read<Result>(_ body: (RuleSnapshotView) -> Result) -> Result {
        let announced = epoch.pointee.load(ordering: .sequentiallyConsistent)
        announcement.pointee.store(announced, ordering: .sequentiallyConsistent)
        let arena = current.pointee.load(ordering: .sequentiallyConsistent)
        let result = body(RuleSnapshotView(base: arena))
        announcement.pointee.store(0, ordering: .releasing)
        return result
    }
}
