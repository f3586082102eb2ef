import CallModel
import Testing

struct RuleMatchTests {
    @Test func parsesTheFormsTheCLIAccepts() {
        #expect(RuleMatch(text: "07700900123", plan: .unitedKingdom) == .number(E164Number(e164: "+447700900123")!))
        #expect(RuleMatch(text: "+44113496*", plan: .unitedKingdom) == .prefix("44113496"))
        #expect(RuleMatch(text: "unidentified", plan: .unitedKingdom) == .unidentified)
        #expect(RuleMatch(text: "+44113496*", plan: .unitedKingdom)?.text == "+44113496*")
        #expect(RuleMatch(text: "hello", plan: .unitedKingdom) == nil)
        #expect(RuleMatch(text: "+0*", plan: .unitedKingdom) == nil)
    }

    @Test func expiredRulesAreNotActive() {
        let now = Timestamp(secondsSinceEpoch: 1_000)
        let rule = Rule(match: .unidentified, action: .block, reason: "test", createdBy: "test", createdAt: now,
                        expiresAt: now + .seconds(60))
        #expect(rule.isActive(at: now))
        #expect(!rule.isActive(at: now + .seconds(60)))
    }
}
