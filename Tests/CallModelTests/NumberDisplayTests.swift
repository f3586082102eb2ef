import CallModel
import Testing

/// National format for tables, and hostile text in numbers and prefixes.
struct NumberDisplayTests {
    static func number(_ text: String) -> E164Number { E164Number(e164: text)! }

    @Test(arguments: [
        ("FI", "+358401234567", "040 123 4567"), ("FI", "+358942440123", "09 4244 0123"),
        ("FI", "+358501234567", "050 123 4567"), ("FI", "+46846500442", "+46846500442"),
        ("SE", "+46846500442", "08-465 004 42"), ("SE", "+46701740605", "070-174 06 05"),
        ("SE", "+4631390600", "031-39 06 00"),
        ("GB", "+442079460123", "020 7946 0123"), ("GB", "+447700900123", "07700 900123"),
        ("GB", "+441134960123", "0113 496 0123"), ("GB", "+441632960123", "01632960123"),
        ("DE", "+493023125042", "030 23125042"), ("DE", "+4915228817386", "01522 8817386"),
        ("DE", "+4922147100042", "022147100042"),
        ("RU", "+74951234567", "8 (495) 123-45-67"), ("RU", "+358401234567", "+358401234567"),
    ])
    func nationalFormat(region: String, e164: String, shown: String) throws {
        let plan = try #require(NumberPlan.byCountry[region])
        #expect(plan.nationalFormat(Self.number(e164)) == shown)
        // What a table shows can be typed back in.
        #expect(plan.normalise(shown).e164 == Self.number(e164))
    }

    @Test(arguments: [
        String(repeating: "4", count: 10_000), "+" + String(repeating: "0", count: 300), "040 123 45 6X",
        "0800-FLOWERS", "٠٤٠١٢٣٤٥٦٧", "０４０１２３４５６７", "+358 40 123+4567", "+358 40 1234567 ext. 12",
        "(((((((", "+()", "+358 (0", "+358 40) 123", "\u{0000}0401234567", "040\u{200B}1234567", "+",
    ])
    func hostileNumbersAreInvalid(text: String) {
        if case .invalid = NumberPlan.finland.normalise(text) {} else {
            Issue.record("\(text.prefix(40)) → \(NumberPlan.finland.normalise(text))")
        }
        #expect(NumberPlan.finland.normalisePrefix(text) == nil, "\(text.prefix(40))")
    }

    @Test func hostilePrefixesAreRejected() {
        for text in [String(repeating: "4", count: 10_000), "04A", "٠٤٠", "", "+", "0", "00", "+0", "1234567890123456"] {
            #expect(NumberPlan.finland.normalisePrefix(text) == nil, "\(text.prefix(20))")
            #expect(RuleMatch(text: text + "*", plan: .finland) == nil, "\(text.prefix(20))*")
        }
    }

    @Test func prefixesInHumanForms() {
        #expect(RuleMatch(text: "040 123*", plan: .finland) == .prefix("35840123"))
        #expect(RuleMatch(text: "+358 (0)40*", plan: .finland) == .prefix("35840"))
        #expect(RuleMatch(text: "00 44 (0)20 7946*", plan: .finland) == .prefix("4420 7946".filter(\.isNumber)))
        #expect(RuleMatch(text: "+44113496*", plan: .finland) == .prefix("44113496"))
        #expect(RuleMatch(text: "44113496*", plan: .finland) == .prefix("44113496"))
        #expect(RuleMatch(text: "8 (495)*", plan: .russia) == .prefix("7495"))
        #expect(RuleMatch(text: "+86*", plan: .russia) == .prefix("86"))
    }
}
