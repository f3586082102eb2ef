import CallModel
import RuleMatching

/// One benchmark reader: decides the fixture's queries in order, from where it stopped.
package struct MatcherBenchmarkReader: ~Copyable, @unchecked Sendable {
    // Sendable: moved to the thread that uses it, never shared (not copyable).
    private let fixture: MatcherBenchmark
    private let reader: RuleReader
    private var position = 0

    init(fixture: MatcherBenchmark, reader: consuming RuleReader) {
        self.fixture = fixture
        self.reader = reader
    }

    /// Starts at another place in the query list (so that threads do not walk in step).
    package mutating func skip(_ count: Int) {
        position = (position + count) % fixture.queries.count
    }

    /// Decides `count` queries (one read section each); returns how many a rule answered. The
    /// callee key is handed over as its UTF-8 bytes (as a decoder holds them), so the loop retains
    /// nothing; ``decideWithStrings(_:)`` hands over `String` keys instead.
    package mutating func decide(_ count: Int) -> Int {
        let queries = fixture.queries
        let callees = fixture.calleeBytes
        let time = fixture.time
        var hits = 0
        var position = self.position
        for _ in 0..<count {
            let query = queries[position]
            let verdict = reader.verdict(for: query.caller, calleeBytes: callees[Int(query.callee)], at: time)
            // The rule id rather than the outcome: comparing a cross-module enum goes through the
            // generic Equatable witness (a call per decision that the daemon does not make).
            if verdict.ruleID != 0 { hits &+= 1 }
            position &+= 1
            if position == queries.count { position = 0 }
        }
        self.position = position
        return hits
    }

    /// Like ``decide(_:)`` through the batched read
    /// (``RuleReader/verdicts(for:calleeBytes:at:into:)``): `batch` questions in a row at a time,
    /// gathered into small arrays as a caller with a queue of questions would, their entries
    /// loaded before any is decided.
    package mutating func decideBatched(_ count: Int, batch: Int = 16) -> Int {
        let queries = fixture.queries
        let callees = fixture.calleeBytes
        let time = fixture.time
        let callers = UnsafeMutableBufferPointer<MatchCaller>.allocate(capacity: batch)
        let keys = UnsafeMutableBufferPointer<UnsafeRawBufferPointer>.allocate(capacity: batch)
        let verdicts = UnsafeMutableBufferPointer<RuleVerdict>.allocate(capacity: batch)
        defer {
            callers.deallocate()
            keys.deallocate()
            verdicts.deallocate()
        }
        var hits = 0
        var position = self.position
        var done = 0
        while done < count {
            let size = min(batch, count - done)
            for index in 0..<size {
                let query = queries[position]
                callers.initializeElement(at: index, to: query.caller)
                keys.initializeElement(at: index, to: callees[Int(query.callee)])
                position &+= 1
                if position == queries.count { position = 0 }
            }
            reader.verdicts(
                for: UnsafeBufferPointer(rebasing: callers[..<size]), calleeBytes: UnsafeBufferPointer(rebasing: keys[..<size]),
                at: time, into: UnsafeMutableBufferPointer(rebasing: verdicts[..<size]))
            for index in 0..<size where verdicts[index].ruleID != 0 { hits &+= 1 }
            done &+= size
        }
        self.position = position
        return hits
    }

    /// Like ``decide(_:)`` with each callee key handed over as a `String` (the daemon's
    /// `CalledParty.key`): adds reading the string's bytes in place and its retain and release.
    package mutating func decideWithStrings(_ count: Int) -> Int {
        let queries = fixture.queries
        let callees = fixture.callees
        let time = fixture.time
        var hits = 0
        var position = self.position
        for _ in 0..<count {
            let query = queries[position]
            let verdict = reader.verdict(for: query.caller, calleeKey: callees[Int(query.callee)], at: time)
            // The rule id rather than the outcome: comparing a cross-module enum goes through the
            // generic Equatable witness (a call per decision that the daemon does not make).
            if verdict.ruleID != 0 { hits &+= 1 }
            position &+= 1
            if position == queries.count { position = 0 }
        }
        self.position = position
        return hits
    }

    /// Like ``decide(_:)`` with the full decision (reason and redirect target copied out).
    package mutating func decideFully(_ count: Int) -> Int {
        let queries = fixture.queries
        let callees = fixture.callees
        let time = fixture.time
        var hits = 0
        var position = self.position
        for _ in 0..<count {
            let query = queries[position]
            let decision = reader.decide(query.caller, calleeKey: callees[Int(query.callee)], at: time)
            if decision.ruleID != nil { hits &+= 1 }
            position &+= 1
            if position == queries.count { position = 0 }
        }
        self.position = position
        return hits
    }
}
