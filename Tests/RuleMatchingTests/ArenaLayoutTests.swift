import CallModel
import RuleMatching
import Synchronization
import Testing

/// The level tables' corner cases: scopes past the 14 tag bits a key holds (their entries are runs
/// that carry the full tag), keys with several rules (runs) beside single-rule keys (inline), and a
/// caller whose number shares a key's digits under another scope.
struct ArenaLayoutTests {
    typealias F = RuleFixtures

    /// Extension keys 10000 ... for `count` callees.
    static func callee(_ index: Int) -> String { String(10_000 + index) }

    @Test func scopesBeyondTheKeyTagBitsStayApart() {
        // 17,000 callees with one scoped rule each on the same number: tags 16,383 and above share
        // the key's tag bits, so only the full tag in the run tells them apart.
        let number = "+442079460123"
        let count = 17_000
        var rules = (0..<count).map { index in
            F.rule(Int64(index + 1), F.exact(number), index.isMultiple(of: 2) ? .block : .flag, scope: Self.callee(index))
        }
        rules.append(F.rule(100_000, F.exact("+442079460124"), .allow, scope: Self.callee(16_999)))
        let snapshot = F.compile(rules)
        for index in [0, 1, 16_381, 16_382, 16_383, 16_384, 16_385, 16_998, 16_999] {
            let decision = snapshot.decide(F.caller(number), calleeKey: Self.callee(index), at: F.monday)
            #expect(decision.ruleID == Int64(index + 1), "callee \(Self.callee(index))")
            #expect(decision.action == (index.isMultiple(of: 2) ? .block : .flag))
        }
        #expect(snapshot.decidingRule(F.caller("+442079460124"), callee: Self.callee(16_999)) == 100_000)
        #expect(snapshot.decidingRule(F.caller("+442079460124"), callee: Self.callee(16_998)) == nil)
        #expect(snapshot.decidingRule(F.caller(number), callee: "1001") == nil)
    }

    @Test func runsAndInlineKeysSideBySide() {
        // Numbers 0 ... 199: even ones have two rules (a run: an expired allow, then a block), odd
        // ones one rule (inline); every fifth of the odd ones expired.
        func number(_ index: Int) -> String { "+44207946" + String(1000 + index) }
        var rules: [Rule] = []
        for index in 0..<200 {
            let id = Int64(index * 10)
            if index.isMultiple(of: 2) {
                rules.append(F.rule(id + 1, F.exact(number(index)), .allow, expiresAt: F.monday - .seconds(1)))
                rules.append(F.rule(id + 2, F.exact(number(index)), .block))
            } else {
                let expired = index % 10 == 5
                rules.append(F.rule(id + 1, F.exact(number(index)), .flag, expiresAt: expired ? F.monday : nil))
            }
        }
        let snapshot = F.compile(rules)
        for index in 0..<200 {
            let id = Int64(index * 10)
            let expected: Int64? = index.isMultiple(of: 2) ? id + 2 : index % 10 == 5 ? nil : id + 1
            #expect(snapshot.decidingRule(F.caller(number(index))) == expected, "number \(number(index))")
        }
        #expect(snapshot.decidingRule(F.caller("+442079463000")) == nil)
    }

    @Test func largeArenasAreAdvisedWholeAlignedPagesBeforeUse() {
        // 40,000 exact rules: an arena of ~2.6 MB, so the advice is asked for its first 2 MiB page.
        final class Advised: Sendable {
            let calls = Mutex<[(address: UInt, bytes: Int)]>([])
        }
        let advised = Advised()
        let compiler = RuleSnapshotCompiler(timeZone: .utc, arenaAdvice: { start, bytes in
            advised.calls.withLock { $0.append((UInt(bitPattern: start), bytes)) }
        })
        let rules = (0..<40_000).map { index in F.rule(Int64(index + 1), .number(E164Number(value: 447_700_900_000 + UInt64(index))!)) }
        let snapshot = compiler.compile(rules, at: F.monday).snapshot
        let calls = advised.calls.withLock { $0 }
        #expect(calls.count == 1)
        #expect(calls.first.map { $0.address % (2 << 20) == 0 && $0.bytes > 0 && $0.bytes % (2 << 20) == 0 } == true)
        #expect(calls.first.map { $0.bytes <= snapshot.statistics.arenaBytes } == true)
        #expect(snapshot.decidingRule(F.caller("+447700912345")) == 12_346)
        // A small arena is not advised.
        _ = compiler.compile(Array(rules.prefix(10)), at: F.monday)
        #expect(advised.calls.withLock { $0.count } == 1)
    }
}
