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

    /// The compact verdict for `caller` calling the party whose key is the UTF-8 `calleeBytes`
    /// (as a decoder holds them; read only during the call): what ``verdict(for:calleeKey:at:)``
    /// does after reading the key's bytes in place, with no string to retain or release.
    @inline(__always)
    package func verdict(for caller: MatchCaller, calleeBytes: UnsafeRawBufferPointer, at time: Timestamp) -> RuleVerdict {
        read { $0.verdict(for: caller, calleeBytes: calleeBytes, atMicroseconds: time.microsecondsSinceEpoch) }
    }

    /// Verdicts for several questions at `time`, for a caller that has several at once (a queue
    /// drained in one go): `callers[i]` calling the party keyed by the UTF-8 `calleeBytes[i]`
    /// gets `verdicts[i]` (the three of the same length). Up to 32 questions share one read
    /// section, and their global exact entries are all loaded before the first is decided, so
    /// that their cache misses overlap.
    package func verdicts(
        for callers: UnsafeBufferPointer<MatchCaller>, calleeBytes: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        at time: Timestamp, into verdicts: UnsafeMutableBufferPointer<RuleVerdict>
    ) {
        precondition(calleeBytes.count == callers.count && verdicts.count == callers.count, "one callee and one verdict per caller")
        let micros = time.microsecondsSinceEpoch
        var start = 0
        while start < callers.count {
            let end = min(callers.count, start &+ RuleSnapshotView.batchLimit)
            read { view in
                view.verdicts(
                    for: UnsafeBufferPointer(rebasing: callers[start..<end]),
                    calleeBytes: UnsafeBufferPointer(rebasing: calleeBytes[start..<end]), atMicroseconds: micros,
                    into: UnsafeMutableBufferPointer(rebasing: verdicts[start..<end]))
            }
            start = end
        }
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
