package import CallModel
package import CallPipeline
package import CallwardenPorts
package import RuleMatching

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ``CallPipeline/CallDecider`` the decision transports ask: the currently published rules,
/// decided on whatever thread calls.
///
/// Each OS thread gets its own ``RuleMatching/RuleReader`` (its own reader slot) the first time it
/// decides, kept in a POSIX thread-specific value and given back by the key's destructor when the
/// thread exits. When every slot is taken (more deciding threads than
/// ``RuleMatching/RulePublisher`` slots), or the thread-specific key could not be created, the
/// decision takes the publisher's shared slot-less path: still correct and lock-free, slower under
/// contention, and counted in ``RuleMatching/RulePublisherStatistics/overflowDecisions``.
///
/// Deliberately not handled: deleting the key. One decider is made per process; its key (one of
/// the process's `PTHREAD_KEYS_MAX`, at least 128) lives as long as the process, so that thread
/// exits always find their destructor.
package final class PublishedRuleDecider: CallDecider, @unchecked Sendable {
    // Sendable: `key` is written once in init; the values stored under it belong to one thread each.
    package let publisher: RulePublisher
    private let key: pthread_key_t?

    package init(publisher: RulePublisher) {
        self.publisher = publisher
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { value in
            // The thread is exiting: destroy its reader, which gives its slot back.
            guard let value else { return }
            let reader = value.assumingMemoryBound(to: RuleReader.self)
            reader.deinitialize(count: 1)
            reader.deallocate()
        }
        self.key = status == 0 ? key : nil
    }

    /// Whether decisions can use thread-local readers (false only when the key could not be made).
    package var hasThreadLocalReaders: Bool { key != nil }

    package func decide(_ request: DecisionRequest) -> CallDecision {
        if let reader = threadReader() {
            return reader.pointee.decide(request.caller, calleeKey: request.callee.key, at: request.time)
        }
        return publisher.decideWithoutSlot(request.caller, calleeKey: request.callee.key, at: request.time)
    }

    /// This thread's reader, claimed on first use; nil when no slot is free or there is no key.
    private func threadReader() -> UnsafeMutablePointer<RuleReader>? {
        guard let key else { return nil }
        if let value = pthread_getspecific(key) { return value.assumingMemoryBound(to: RuleReader.self) }
        guard let reader = publisher.makeReader() else { return nil }
        let box = UnsafeMutablePointer<RuleReader>.allocate(capacity: 1)
        box.initialize(to: reader)
        guard pthread_setspecific(key, box) == 0 else {
            box.deinitialize(count: 1)
            box.deallocate()
            return nil
        }
        return box
    }
}
