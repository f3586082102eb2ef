package import CallModel

/// An immutable, validated, compiled rule set in one allocation (see ``RuleSnapshotCompiler``).
///
/// The object owns its arena and frees it when the last reference goes. Many threads reach the
/// arena through a ``RulePublisher`` with plain pointers, never through this object, so deciding
/// costs no reference counting; the publisher keeps the object alive until no reader can still be
/// inside it. ``verdict(for:calleeKey:at:)`` and ``decide(_:calleeKey:at:)`` on the object itself
/// are for tests, tools and single-threaded use (they hold the object while they read).
package final class RuleSnapshot: @unchecked Sendable {
    // Sendable: the arena is written once by the compiler before the object exists and only read
    // afterwards; it is freed in deinit, when no reference (and so no reader) is left.
    let arena: UnsafeMutableRawPointer
    private let labelCount: Int
    /// Sizes and counts, for logs and the benchmarks.
    package let statistics: RuleSnapshotStatistics

    init(arena: UnsafeMutableRawPointer, labelCount: Int, statistics: RuleSnapshotStatistics) {
        self.arena = arena
        self.labelCount = labelCount
        self.statistics = statistics
    }

    deinit {
        let header = arena.load(as: ArenaHeader.self)
        (arena + header.labelsOffset).assumingMemoryBound(to: String.self).deinitialize(count: labelCount * 2)
        #if DEBUG
            // A reader that wrongly outlived its snapshot reads this pattern and fails loudly in tests.
            arena.initializeMemory(as: UInt8.self, repeating: 0xA5, count: header.totalBytes)
        #endif
        arena.deallocate()
    }

    /// A snapshot with no rules: every call is allowed.
    package static func empty(compiledAt: Timestamp = Timestamp(microsecondsSinceEpoch: 0)) -> RuleSnapshot {
        RuleSnapshotCompiler(timeZone: .utc).compile([], at: compiledAt).snapshot
    }

    var view: RuleSnapshotView { RuleSnapshotView(base: UnsafeRawPointer(arena)) }

    /// The compact verdict for `caller` calling the party keyed `calleeKey` at `time`.
    package func verdict(for caller: MatchCaller, calleeKey: String, at time: Timestamp) -> RuleVerdict {
        withExtendedLifetime(self) { view.verdict(for: caller, calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch) }
    }

    /// The compact verdict for a callee key given as its UTF-8 bytes (see ``RuleReader``).
    package func verdict(for caller: MatchCaller, calleeBytes: UnsafeRawBufferPointer, at time: Timestamp) -> RuleVerdict {
        withExtendedLifetime(self) { view.verdict(for: caller, calleeBytes: calleeBytes, atMicroseconds: time.microsecondsSinceEpoch) }
    }

    /// The full decision: the counted identity of `caller` against the rules for `calleeKey` at `time`.
    package func decide(_ caller: CallerIdentity, calleeKey: String, at time: Timestamp) -> CallDecision {
        withExtendedLifetime(self) {
            let view = self.view
            return view.decision(
                for: view.verdict(for: MatchCaller(caller), calleeKey: calleeKey, atMicroseconds: time.microsecondsSinceEpoch))
        }
    }
}

/// Sizes and counts of one snapshot.
package struct RuleSnapshotStatistics: Hashable, Sendable {
    /// Compiled rules (rejected and expired ones not included).
    package var rules: Int
    /// Distinct (level, scope, digits) keys.
    package var keys: Int
    /// Distinct callee scopes.
    package var calleeScopes: Int
    /// Distinct (reason, target) labels.
    package var labels: Int
    package var schedules: Int
    /// Bytes of the arena (string contents longer than 15 bytes live outside it).
    package var arenaBytes: Int
    package var compiledAt: Timestamp
}
