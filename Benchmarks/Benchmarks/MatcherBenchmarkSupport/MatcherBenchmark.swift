import CallModel
import RuleMatching
import SyntheticRandom

#if canImport(Glibc)
    import Glibc
#endif

/// The matcher fixture that MatcherProbe and MatcherBenchmarks measure (benchmark code: built
/// only with `CALLWARDEN_BENCHMARKS=1`, never part of the daemon).
///
/// Builds `ruleCount` synthetic rules of a ``MatcherBenchmarkMix``, compiles them twice into two
/// snapshots with the same answers (so a writer can publish every few milliseconds without
/// recompiling a million rules), and a random-order query list where `hitRatio` of the questions
/// match a rule and the rest match nothing. Numbers are synthetic: +358 40 1xxxxxxx test-style
/// numbers for exact rules, +358 40 2xxxxxxx for misses, +44 20 7946 xxxx for number ranges.
package final class MatcherBenchmark: @unchecked Sendable {
    // Sendable: everything is immutable after init except what the publisher synchronises itself.
    /// 16 bytes, so that streaming a million of them disturbs the caches little.
    struct Query {
        var caller: MatchCaller
        /// Index into ``callees``.
        var callee: UInt32
    }

    package let ruleCount: Int
    /// Bytes of one compiled snapshot's arena.
    package let arenaBytes: Int
    /// Fraction of the queries that a rule answers (checked against the snapshot at build time).
    package let measuredHitRatio: Double
    let publisher: RulePublisher
    private let snapshots: [RuleSnapshot]
    let queries: UnsafeMutableBufferPointer<Query>
    /// Callee keys (extensions 1000 ... 2199) by index.
    let callees: UnsafeMutableBufferPointer<String>
    /// The same callee keys as UTF-8 bytes (one allocation), as a decoder holds a key it parsed:
    /// what ``MatcherBenchmarkReader/decide(_:)`` hands the matcher, so that no string is retained.
    let calleeBytes: UnsafeMutableBufferPointer<UnsafeRawBufferPointer>
    private let calleeByteStorage: UnsafeMutableRawPointer
    let time: Timestamp
    /// The exact numbers among the rules, for ``FlatExactTable``.
    package let exactNumbers: [UInt64]

    package init(
        ruleCount: Int, mix: MatcherBenchmarkMix = .typical, hitRatio: Double = 0.75, queryCount: Int = 1 << 20,
        seed: UInt64 = 0x5EED
    ) {
        var random = SplitMix64(state: seed)
        let time = Timestamp(secondsSinceEpoch: 1_705_320_000)
        let (rules, hitQueries) = mix.makeRules(count: ruleCount, time: time, random: &random)
        exactNumbers = rules.compactMap { rule in
            if case .number(let number) = rule.match { number.value } else { nil }
        }
        // The daemon's arena advice (CallwardenApp's ArenaHugePages): transparent huge pages.
        let compiler = RuleSnapshotCompiler(timeZone: .utc, arenaAdvice: { start, bytes in
            #if os(Linux)
                _ = madvise(start, bytes, MADV_HUGEPAGE)
            #endif
        })
        snapshots = [compiler.compile(rules, at: time).snapshot, compiler.compile(rules, at: time).snapshot]
        publisher = RulePublisher(initial: snapshots[0])
        self.ruleCount = ruleCount
        self.time = time + .hours(1)
        arenaBytes = snapshots[0].statistics.arenaBytes

        callees = .allocate(capacity: MatcherBenchmarkMix.calleeCount)
        for index in 0..<callees.count { callees.initializeElement(at: index, to: MatcherBenchmarkMix.callee(index)) }
        let byteCount = callees.reduce(0) { $0 + $1.utf8.count }
        calleeByteStorage = .allocate(byteCount: max(byteCount, 1), alignment: 8)
        calleeBytes = .allocate(capacity: callees.count)
        var byteOffset = 0
        for (index, callee) in callees.enumerated() {
            let start = calleeByteStorage + byteOffset
            for (position, byte) in callee.utf8.enumerated() { start.storeBytes(of: byte, toByteOffset: position, as: UInt8.self) }
            calleeBytes.initializeElement(at: index, to: UnsafeRawBufferPointer(start: start, count: callee.utf8.count))
            byteOffset += callee.utf8.count
        }
        queries = .allocate(capacity: max(queryCount, 1))
        var hits = 0
        for index in 0..<queries.count {
            let query: Query
            if Double(random.next() % 10_000) < hitRatio * 10_000, !hitQueries.isEmpty {
                query = hitQueries[Int(random.next() % UInt64(hitQueries.count))]
            } else {
                // +358 40 2xxxxxxx: never a rule's number and under no prefix.
                let number = 358_402_000_0000 + random.next() % 1_000_0000
                query = Query(caller: MatchCaller(number: E164Number(value: number)!), callee: mix.anyCallee(random.next()))
            }
            queries.initializeElement(at: index, to: query)
            if snapshots[0].verdict(for: query.caller, calleeKey: callees[Int(query.callee)], at: self.time).outcome != .noMatch {
                hits += 1
            }
        }
        measuredHitRatio = Double(hits) / Double(queries.count)
    }

    deinit {
        queries.deallocate()
        callees.baseAddress?.deinitialize(count: callees.count)
        callees.deallocate()
        calleeBytes.deallocate()
        calleeByteStorage.deallocate()
    }

    /// Looks up `count` questions' numbers in `table` from position `start` (the flat yardstick);
    /// returns how many it found.
    package func flatLookups(_ table: borrowing FlatExactTable, count: Int, start: Int = 0) -> Int {
        var found = 0
        var position = start % queries.count
        for _ in 0..<count {
            if table.lookup(queries[position].caller.number) != 0 { found &+= 1 }
            position &+= 1
            if position == queries.count { position = 0 }
        }
        return found
    }

    /// Publishes the other of the two equivalent snapshots (what a writer does every 10 ms).
    package func publishNext() {
        publisher.publish(publisher.current === snapshots[0] ? snapshots[1] : snapshots[0])
    }

    /// A reader with its own slot, or nil when the publisher's slots are used up.
    package func makeReader() -> MatcherBenchmarkReader? {
        guard let reader = publisher.makeReader() else { return nil }
        return MatcherBenchmarkReader(fixture: self, reader: reader)
    }

    /// Snapshots published and freed so far.
    package var publishedAndReclaimed: (published: Int, reclaimed: Int) {
        let statistics = publisher.statistics
        return (statistics.published, statistics.reclaimed)
    }
}
