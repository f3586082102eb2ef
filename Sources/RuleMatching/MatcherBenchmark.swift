import CallModel

/// The public face the Benchmarks package measures (it can see only `public` API of a product).
/// Not for production code: everything else in the module is `package`.
///
/// Builds `ruleCount` synthetic rules of a ``MatcherBenchmarkMix``, compiles them twice into two
/// snapshots with the same answers (so a writer can publish every few milliseconds without
/// recompiling a million rules), and a random-order query list where `hitRatio` of the questions
/// match a rule and the rest match nothing. Numbers are synthetic: +358 40 1xxxxxxx test-style
/// numbers for exact rules, +358 40 2xxxxxxx for misses, +44 20 7946 xxxx for number ranges.
public final class MatcherBenchmark: @unchecked Sendable {
    // Sendable: everything is immutable after init except what the publisher synchronises itself.
    /// 16 bytes, so that streaming a million of them disturbs the caches little.
    struct Query {
        var number: UInt64
        /// Index into ``callees``.
        var callee: UInt32
    }

    public let ruleCount: Int
    /// Bytes of one compiled snapshot's arena.
    public let arenaBytes: Int
    /// Fraction of the queries that a rule answers (checked against the snapshot at build time).
    public let measuredHitRatio: Double
    let publisher: RulePublisher
    private let snapshots: [RuleSnapshot]
    let queries: UnsafeMutableBufferPointer<Query>
    /// Callee keys (extensions 1000 ... 2199) by index.
    let callees: UnsafeMutableBufferPointer<String>
    let time: Timestamp

    public init(
        ruleCount: Int, mix: MatcherBenchmarkMix = .typical, hitRatio: Double = 0.75, queryCount: Int = 1 << 20,
        seed: UInt64 = 0x5EED
    ) {
        var random = SplitMix64(state: seed)
        let time = Timestamp(secondsSinceEpoch: 1_705_320_000)
        let (rules, hitQueries) = mix.makeRules(count: ruleCount, time: time, random: &random)
        let compiler = RuleSnapshotCompiler(timeZone: .utc)
        snapshots = [compiler.compile(rules, at: time).snapshot, compiler.compile(rules, at: time).snapshot]
        publisher = RulePublisher(initial: snapshots[0])
        self.ruleCount = ruleCount
        self.time = time + .hours(1)
        arenaBytes = snapshots[0].statistics.arenaBytes

        callees = .allocate(capacity: MatcherBenchmarkMix.calleeCount)
        for index in 0..<callees.count { callees.initializeElement(at: index, to: MatcherBenchmarkMix.callee(index)) }
        queries = .allocate(capacity: max(queryCount, 1))
        var hits = 0
        for index in 0..<queries.count {
            let query: Query
            if Double(random.next() % 10_000) < hitRatio * 10_000, !hitQueries.isEmpty {
                query = hitQueries[Int(random.next() % UInt64(hitQueries.count))]
            } else {
                // +358 40 2xxxxxxx: never a rule's number and under no prefix.
                let number = 358_402_000_0000 + random.next() % 1_000_0000
                query = Query(number: number, callee: mix.anyCallee(random.next()))
            }
            queries.initializeElement(at: index, to: query)
            let caller = MatchCaller(number: query.number, isUnidentified: false)
            if snapshots[0].verdict(for: caller, calleeKey: callees[Int(query.callee)], at: self.time).outcome != .noMatch {
                hits += 1
            }
        }
        measuredHitRatio = Double(hits) / Double(queries.count)
    }

    deinit {
        queries.deallocate()
        callees.baseAddress?.deinitialize(count: callees.count)
        callees.deallocate()
    }

    /// Publishes the other of the two equivalent snapshots (what a writer does every 10 ms).
    public func publishNext() {
        publisher.publish(publisher.current === snapshots[0] ? snapshots[1] : snapshots[0])
    }

    /// A reader with its own slot, or nil when the publisher's slots are used up.
    public func makeReader() -> MatcherBenchmarkReader? {
        guard let reader = publisher.makeReader() else { return nil }
        return MatcherBenchmarkReader(fixture: self, reader: reader)
    }

    /// Snapshots published and freed so far.
    public var publishedAndReclaimed: (published: Int, reclaimed: Int) {
        let statistics = publisher.statistics
        return (statistics.published, statistics.reclaimed)
    }
}
