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

    /// Decides `count` queries (one read section each); returns how many a rule answered.
    package mutating func decide(_ count: Int) -> Int {
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
