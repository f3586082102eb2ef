import CallModel
import RuleMatching
import SyntheticRandom
import Testing

/// The compiled snapshot against ``ReferenceMatcher`` on random rule sets and random questions.
struct RandomizedReferenceTests {
    typealias F = RuleFixtures

    /// Numbers drawn from a small synthetic pool so that rules and callers collide often:
    /// +44 20 7946 0xxx with 9 to 12 digits after the country code's first digit.
    static func randomDigits(_ random: inout SplitMix64) -> String {
        let tails = ["", "0", "01", "012", "0123", "01234"]
        var digits = "4420794" + tails[Int.random(in: 0..<tails.count, using: &random)]
        while digits.count < 11 { digits.append(String(Int.random(in: 0...2, using: &random))) }
        return digits
    }

    static func randomRule(_ id: Int64, _ random: inout SplitMix64) -> Rule {
        let digits = randomDigits(&random)
        let match: RuleMatch =
            switch Int.random(in: 0..<10, using: &random) {
            case 0: .unidentified
            case 1...4: .number(F.number("+" + digits))
            default: .prefix(String(digits.prefix(Int.random(in: 1...digits.count, using: &random))))
            }
        let action: RuleAction =
            switch Int.random(in: 0..<4, using: &random) {
            case 0: .allow
            case 1: .block
            case 2: .redirect(to: "+44207946000" + String(Int.random(in: 0...9, using: &random)))
            default: .flag
            }
        let scopes: [String?] = [nil, nil, "1001", "1002", "+442079460999"]
        let expiry: Timestamp? =
            Bool.random(using: &random) ? nil : F.monday + .hours(Int64.random(in: -48...96, using: &random))
        let schedules = ["mon-fri 09:00-17:00", "daily 22:00-06:00", "sat-sun", "tue,thu 12:00-13:30", "sun 23:00-01:00"]
        let schedule = Int.random(in: 0..<4, using: &random) == 0 ? F.schedule(schedules.randomElement(using: &random)!) : nil
        return F.rule(id, match, action, scope: scopes.randomElement(using: &random)!, expiresAt: expiry, schedule: schedule)
    }

    static func randomCaller(_ random: inout SplitMix64) -> CallerIdentity {
        switch Int.random(in: 0..<12, using: &random) {
        case 0: return F.unidentifiedCaller
        case 1: return CallerIdentity(raw: "1005", internalExtension: "1005")
        case 2:
            return CallerIdentity(
                raw: "anonymous", assertedIdentity: F.number("+" + randomDigits(&random)), presentationRestricted: true)
        default: return F.caller("+" + randomDigits(&random))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func snapshotAgreesWithTheReference(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let zone = LocalTimeZone.fixed(offsetSeconds: 7_200)
        let rules = (1...Int64(200 * seed)).map { Self.randomRule($0, &random) }
        let compilation = RuleSnapshotCompiler(timeZone: zone).compile(rules, at: F.monday)
        #expect(compilation.rejected.isEmpty)
        let snapshot = compilation.snapshot
        var mismatches = 0
        var matched = 0
        for _ in 0..<3_000 {
            let caller = Self.randomCaller(&random)
            let callee = ["1001", "1002", "1003", "+442079460999"].randomElement(using: &random)!
            // Decisions are never older than the snapshot (rules expired by then were dropped).
            let time = F.monday + .seconds(Int64.random(in: 0...(7 * 86_400), using: &random))
            let expected = ReferenceMatcher.decide(rules, caller: caller, callee: callee, at: time, zone: zone)
            let actual = snapshot.decide(caller, calleeKey: callee, at: time)
            if actual.ruleID != nil { matched += 1 }
            // The same question with the callee key handed over as bytes (the benchmarks' form).
            let fromBytes = Array(callee.utf8).withUnsafeBytes {
                snapshot.verdict(for: MatchCaller(caller), calleeBytes: $0, at: time).ruleID
            }
            if fromBytes != actual.ruleID ?? 0 {
                mismatches += 1
                Issue.record("seed \(seed): \(caller.raw) → \(callee) at \(time): bytes \(fromBytes), string \(actual)")
            }
            if actual.ruleID != expected.ruleID || actual.action != expected.action {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("seed \(seed): \(caller.raw) → \(callee) at \(time): got \(actual), expected \(expected)")
                }
            }
        }
        #expect(mismatches == 0)
        #expect(matched > 300, "the random pool must make rules match often enough to test something")
    }
}
