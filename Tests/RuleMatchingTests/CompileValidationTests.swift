import CallModel
import RuleMatching
import Testing

struct CompileValidationTests {
    typealias F = RuleFixtures

    static let badRules: [(Rule, String)] = [
        (Rule(match: .prefix("44"), action: .block, reason: "no id", createdBy: "t", createdAt: F.monday), "no store id"),
        (F.rule(2, .prefix("")), "no digits"),
        (F.rule(3, .prefix("4420794601234567")), "longer than 15"),
        (F.rule(4, .prefix("44a0")), "not all digits"),
        (F.rule(5, .prefix("+44")), "not all digits"),
        (F.rule(6, .prefix("0207946")), "starts with 0"),
        (F.rule(7, .prefix("44"), scope: ""), "scope is empty"),
        (F.rule(8, .prefix("44"), scope: String(repeating: "9", count: 65)), "longer than 64"),
        (F.rule(9, .prefix("44"), .redirect(to: "")), "no target"),
        (F.rule(10, .prefix("44"), .redirect(to: "  ")), "no target"),
    ]

    @Test func badRulesAreRejectedWithAReasonAndTheRestStillCompiles() {
        let good = F.rule(100, F.exact("+442079460123"))
        let compilation = RuleSnapshotCompiler(timeZone: .utc).compile(Self.badRules.map(\.0) + [good], at: F.monday)
        #expect(compilation.rejected.count == Self.badRules.count)
        for ((rule, expected), rejection) in zip(Self.badRules, compilation.rejected) {
            #expect(rejection.ruleID == rule.id)
            #expect(rejection.reason.contains(expected), "\(rejection.reason)")
            #expect(!rejection.description.contains("+44"), "a rejection never shows the number")
        }
        #expect(compilation.snapshot.statistics.rules == 1)
        #expect(compilation.snapshot.decidingRule(F.caller("+442079460123")) == 100)
        #expect(compilation.snapshot.decidingRule(F.caller("+442079460999")) == nil)
    }

    @Test func duplicateIDsKeepTheFirst() {
        let compilation = RuleSnapshotCompiler(timeZone: .utc).compile(
            [F.rule(1, F.exact("+442079460123")), F.rule(1, F.exact("+442079460124"))], at: F.monday)
        #expect(compilation.rejected == [RuleRejection(ruleID: 1, reason: "duplicate rule id")])
        #expect(compilation.snapshot.decidingRule(F.caller("+442079460123")) == 1)
        #expect(compilation.snapshot.decidingRule(F.caller("+442079460124")) == nil)
    }

    @Test func emptySnapshotAllowsEverything() {
        let snapshot = RuleSnapshot.empty()
        #expect(snapshot.statistics.rules == 0)
        #expect(snapshot.decide(F.caller("+442079460123"), calleeKey: "1001", at: F.monday) == .defaultAllow)
        #expect(snapshot.decide(F.unidentifiedCaller, calleeKey: "1001", at: F.monday) == .defaultAllow)
    }

    @Test func statisticsCountKeysScopesLabelsAndSchedules() {
        let snapshot = F.compile([
            F.rule(1, F.exact("+442079460123"), reason: "same"),
            F.rule(2, F.exact("+442079460123"), .allow, reason: "same"),
            F.rule(3, .prefix("44"), scope: "1001", schedule: F.schedule("sat-sun"), reason: "same"),
            F.rule(4, .prefix("44"), .redirect(to: "+442079460000"), scope: "1002", schedule: F.schedule("sat-sun")),
            F.rule(5, .unidentified, scope: "1001", schedule: F.schedule("mon 09:00-10:00")),
        ])
        #expect(snapshot.statistics.rules == 5)
        #expect(snapshot.statistics.keys == 4)
        #expect(snapshot.statistics.calleeScopes == 2)
        #expect(snapshot.statistics.labels == 3)
        #expect(snapshot.statistics.schedules == 2)
        #expect(snapshot.statistics.arenaBytes > 0)
    }

    @Test func largeRuleSetCompilesAndEveryRuleIsFound() {
        // 20,000 distinct synthetic numbers in +44 7700 9xxxxx (fictional), half of them scoped.
        var rules: [Rule] = []
        for index in 0..<20_000 {
            let number = "+447700" + String(900_000 + index)
            rules.append(F.rule(Int64(index + 1), F.exact(number), scope: index % 2 == 0 ? nil : String(1_000 + index % 50)))
        }
        let snapshot = F.compile(rules)
        #expect(snapshot.statistics.rules == 20_000)
        for index in stride(from: 0, to: 20_000, by: 7) {
            let number = "+447700" + String(900_000 + index)
            let callee = index % 2 == 0 ? "9999" : String(1_000 + index % 50)
            #expect(snapshot.decidingRule(F.caller(number), callee: callee) == Int64(index + 1))
        }
        #expect(snapshot.decidingRule(F.caller("+447700920000"), callee: "1001") == nil)
    }
}
