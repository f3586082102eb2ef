import CallModel
import RuleMatching
import Testing

/// The hot path's shortcuts against plain answers: callee keys of every length (hashed and compared
/// as whole words, overlapping tails, or three bytes), keys handed over as bytes or as strings,
/// and prefix levels skipped by comparing the whole number with a level's key range.
struct CalleeKeyAndRangeTests {
    typealias F = RuleFixtures

    /// A key of `length` sevens with an eight at `position` (nil: none).
    static func key(_ length: Int, eightAt position: Int?) -> String {
        String((0..<length).map { $0 == position ? "8" : "7" })
    }

    static func verdictFromBytes(_ snapshot: RuleSnapshot, _ caller: String, _ callee: String) -> Int64 {
        Array(callee.utf8).withUnsafeBytes {
            snapshot.verdict(for: MatchCaller(F.caller(caller)), calleeBytes: $0, at: F.monday).ruleID
        }
    }

    @Test func calleeKeysOfEveryLengthDifferingInOneByteStayApart() {
        // One scoped rule on the same number for every key of 1 ... 24 bytes with its eight at
        // each position: a key differing from another in any single byte must find only its own.
        let number = "+442079460123"
        var rules: [Rule] = []
        var expected: [String: Int64] = [:]
        for length in 1...24 {
            for position in 0..<length {
                let id = Int64(length * 100 + position)
                rules.append(F.rule(id, F.exact(number), .block, scope: Self.key(length, eightAt: position)))
                expected[Self.key(length, eightAt: position)] = id
            }
        }
        let snapshot = F.compile(rules)
        for (key, id) in expected {
            #expect(snapshot.decidingRule(F.caller(number), callee: key) == id, "callee \(key)")
            #expect(Self.verdictFromBytes(snapshot, number, key) == id, "callee \(key) as bytes")
        }
        for length in 0...24 {
            let unscoped = Self.key(length, eightAt: nil)
            #expect(snapshot.decidingRule(F.caller(number), callee: unscoped) == nil, "callee \(unscoped)")
            #expect(Self.verdictFromBytes(snapshot, number, unscoped) == 0, "callee \(unscoped) as bytes")
        }
    }

    @Test func prefixRangesAgreeWithTheReferenceAcrossNumberLengths() {
        // Prefix levels whose keys span a range (4420794600 ... 4420794699 at ten digits, and
        // shorter and longer levels), asked with numbers of 8 to 15 digits just inside, just
        // outside and at the ends of each range, and numbers equal to a prefix.
        let prefixes = ["44207946", "442079460", "4420794600", "4420794655", "4420794699", "44207946991", "4420794699123"]
        var rules = prefixes.enumerated().map { index, prefix in F.rule(Int64(index + 1), .prefix(prefix), .block) }
        rules.append(F.rule(50, .prefix("44207946"), .flag, scope: "1001"))
        rules.append(F.rule(51, F.exact("+442079460001"), .allow))
        let snapshot = F.compile(rules)
        var callers = ["+44207945", "+44207946", "+44207947", "+4420794599", "+4420794600", "+4420794700"]
        for base in ["44207945999", "442079460000", "442079465500", "442079469999", "442079470000", "4420794699123"] {
            for extra in ["", "0", "9", "00", "99", "123"] where base.count + extra.count <= 15 {
                callers.append("+" + base + extra)
            }
        }
        for caller in callers {
            for callee in ["1001", "1002"] {
                let expected = ReferenceMatcher.decide(rules, caller: F.caller(caller), callee: callee, at: F.monday, zone: .utc)
                #expect(snapshot.decidingRule(F.caller(caller), callee: callee) == expected.ruleID, "\(caller) → \(callee)")
                #expect(Self.verdictFromBytes(snapshot, caller, callee) == expected.ruleID ?? 0, "\(caller) → \(callee) as bytes")
            }
        }
    }
}
