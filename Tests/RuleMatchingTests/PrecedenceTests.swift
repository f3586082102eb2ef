import CallModel
import RuleMatching
import Testing

/// One row per clause of the precedence documented in RuleMatching.swift.
struct PrecedenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var rules: [Rule]
        var caller: CallerIdentity
        var callee: String = "1001"
        var expectedRule: Int64?
        var expectedAction: RuleAction
        var testDescription: String { name }
    }

    typealias F = RuleFixtures
    static let harasser = "+442079460123"

    static let table: [Case] = [
        Case(
            name: "no rule: default allow", rules: [F.rule(1, F.exact("+442079460999"))], caller: F.caller(harasser),
            expectedRule: nil, expectedAction: .allow),
        Case(
            name: "exact number blocks", rules: [F.rule(1, F.exact(harasser))], caller: F.caller(harasser),
            expectedRule: 1, expectedAction: .block),
        Case(
            name: "expired rule is gone, the shorter prefix decides",
            rules: [
                F.rule(1, F.exact(harasser), .allow, expiresAt: F.monday - .seconds(1)),
                F.rule(2, .prefix("4420794601"), .flag),
            ],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .flag),
        Case(
            name: "expiry is exclusive: a rule expiring exactly now is gone",
            rules: [F.rule(1, F.exact(harasser), expiresAt: F.monday)], caller: F.caller(harasser), expectedRule: nil,
            expectedAction: .allow),
        Case(
            name: "rule expiring later is in force",
            rules: [F.rule(1, F.exact(harasser), expiresAt: F.monday + .seconds(1))], caller: F.caller(harasser),
            expectedRule: 1, expectedAction: .block),
        Case(
            name: "schedule not in force: skipped, the global rule decides",
            rules: [
                F.rule(1, F.exact(harasser), .allow, scope: "1001", schedule: F.schedule("sat-sun")),
                F.rule(2, F.exact(harasser), .redirect(to: "+442079460000")),
            ],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .redirect(to: "+442079460000")),
        Case(
            name: "schedule in force applies (Monday noon)",
            rules: [F.rule(1, F.exact(harasser), schedule: F.schedule("mon-fri 09:00-17:00"))],
            caller: F.caller(harasser), expectedRule: 1, expectedAction: .block),
        Case(
            name: "scoped beats global: callee's allow lets a globally blocked number through",
            rules: [F.rule(1, F.exact(harasser)), F.rule(2, .prefix("44"), .allow, scope: "1001")],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .allow),
        Case(
            name: "scoped beats global: callee's block beats a global allow",
            rules: [F.rule(1, F.exact(harasser), .allow), F.rule(2, .prefix("4420"), scope: "1001")],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .block),
        Case(
            name: "another callee's scoped rule does not apply",
            rules: [F.rule(1, F.exact(harasser), scope: "1002")], caller: F.caller(harasser), expectedRule: nil,
            expectedAction: .allow),
        Case(
            name: "longest prefix wins",
            rules: [F.rule(1, .prefix("4420"), .block), F.rule(2, .prefix("44207946"), .flag)],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .flag),
        Case(
            name: "exact number beats a 12-digit prefix of itself",
            rules: [F.rule(1, .prefix("442079460123"), .block), F.rule(2, F.exact(harasser), .flag)],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .flag),
        Case(
            name: "allow overrides a block of equal prefix",
            rules: [F.rule(1, .prefix("44207946"), .block), F.rule(2, .prefix("44207946"), .allow)],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .allow),
        Case(
            name: "allow overrides a shorter block",
            rules: [F.rule(1, .prefix("44"), .block), F.rule(2, .prefix("4420"), .allow)], caller: F.caller(harasser),
            expectedRule: 2, expectedAction: .allow),
        Case(
            name: "a longer block beats a shorter allow",
            rules: [F.rule(1, .prefix("44"), .allow), F.rule(2, .prefix("4420794601"), .block)],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .block),
        Case(
            name: "exact allow beats an exact block (redirect, flag) of the same number",
            rules: [
                F.rule(1, F.exact(harasser), .block), F.rule(2, F.exact(harasser), .redirect(to: "+442079460000")),
                F.rule(3, F.exact(harasser), .allow), F.rule(4, F.exact(harasser), .flag),
            ],
            caller: F.caller(harasser), expectedRule: 3, expectedAction: .allow),
        Case(
            name: "equal length: block before redirect before flag",
            rules: [
                F.rule(1, .prefix("4420"), .flag), F.rule(2, .prefix("4420"), .redirect(to: "+442079460000")),
                F.rule(3, .prefix("4420"), .block),
            ],
            caller: F.caller(harasser), expectedRule: 3, expectedAction: .block),
        Case(
            name: "equal length: redirect before flag",
            rules: [F.rule(1, .prefix("4420"), .flag), F.rule(2, .prefix("4420"), .redirect(to: "+442079460000"))],
            caller: F.caller(harasser), expectedRule: 2, expectedAction: .redirect(to: "+442079460000")),
        Case(
            name: "equal length and action: lowest id",
            rules: [F.rule(9, .prefix("4420"), .block), F.rule(4, .prefix("4420"), .block)], caller: F.caller(harasser),
            expectedRule: 4, expectedAction: .block),
        Case(
            name: "unidentified caller matches the unidentified rule",
            rules: [F.rule(1, .unidentified, .redirect(to: "+442079460000")), F.rule(2, .prefix("4"))],
            caller: F.unidentifiedCaller, expectedRule: 1, expectedAction: .redirect(to: "+442079460000")),
        Case(
            name: "unidentified caller matches no number or prefix rule",
            rules: [F.rule(2, .prefix("4")), F.rule(3, .prefix("1"))], caller: F.unidentifiedCaller, expectedRule: nil,
            expectedAction: .allow),
        Case(
            name: "identified caller never matches the unidentified rule",
            rules: [F.rule(1, .unidentified)], caller: F.caller(harasser), expectedRule: nil, expectedAction: .allow),
        Case(
            name: "scoped unidentified beats global unidentified",
            rules: [F.rule(1, .unidentified, .block), F.rule(2, .unidentified, .flag, scope: "1001")],
            caller: F.unidentifiedCaller, expectedRule: 2, expectedAction: .flag),
        Case(
            name: "withheld caller with an asserted identity is matched by it (PAI first)",
            rules: [F.rule(1, .unidentified, .flag), F.rule(2, F.exact(harasser))],
            caller: CallerIdentity(raw: "anonymous", assertedIdentity: F.number(harasser), presentationRestricted: true),
            expectedRule: 2, expectedAction: .block),
        Case(
            name: "asserted identity wins over the presented number",
            rules: [F.rule(1, F.exact("+442079460555"), .block), F.rule(2, F.exact(harasser), .flag)],
            caller: CallerIdentity(
                raw: "+442079460555", number: F.number("+442079460555"), assertedIdentity: F.number(harasser)),
            expectedRule: 2, expectedAction: .flag),
        Case(
            name: "internal caller without a number matches nothing",
            rules: [F.rule(1, .unidentified), F.rule(2, .prefix("1"))],
            caller: CallerIdentity(raw: "1002", internalExtension: "1002"), expectedRule: nil, expectedAction: .allow),
    ]

    @Test(arguments: table)
    func precedence(_ row: Case) {
        let snapshot = RuleFixtures.compile(row.rules)
        let decision = snapshot.decide(row.caller, calleeKey: row.callee, at: RuleFixtures.monday)
        #expect(decision.ruleID == row.expectedRule)
        #expect(decision.action == row.expectedAction)
        let verdict = snapshot.verdict(for: MatchCaller(row.caller), calleeKey: row.callee, at: RuleFixtures.monday)
        #expect(verdict.ruleID == (row.expectedRule ?? 0))
    }

    @Test func decisionCarriesTheRulesReasonAndTarget() {
        let longReason = "repeated threatening calls to the front desk, reported by security on Monday"
        let snapshot = RuleFixtures.compile([
            RuleFixtures.rule(7, .prefix("4420"), .redirect(to: "+442079460000"), reason: longReason)
        ])
        let decision = snapshot.decide(RuleFixtures.caller(Self.harasser), calleeKey: "1001", at: RuleFixtures.monday)
        #expect(decision == CallDecision(action: .redirect(to: "+442079460000"), ruleID: 7, reason: longReason))
        #expect(snapshot.decide(RuleFixtures.caller("+441134960001"), calleeKey: "1001", at: RuleFixtures.monday) == .defaultAllow)
    }
}
