import CallModel
import Testing

struct NumberPlanTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var raw: String
        var plan: NumberPlan
        var expected: NormalisedNumber
        var testDescription: String { "\(raw) (+\(plan.countryCode))" }
    }

    static func e164(_ text: String) -> NormalisedNumber { .e164(E164Number(e164: text)!) }

    /// protocols.md §9: libphonenumber's answers, reproduced without it.
    static let table: [Case] = [
        // Finland: trunk 0, IDD 00 and the 99x carrier prefixes, CC without '+'.
        Case(raw: "040 123 4567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "00358401234567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "990358401234567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "999358401234567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "99511358401234567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "358401234567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "tel:+358-40-123-4567", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "sip:+358401234567;user=phone@pbx.example", plan: .finland, expected: e164("+358401234567")),
        Case(raw: "\"Caller\" <sip:0401234567@pbx.example>", plan: .finland, expected: e164("+358401234567")),
        // Pitfall: "00 wins" — a short national-looking string after 00 is international (as libphonenumber).
        Case(raw: "0091234567", plan: .finland, expected: e164("+91234567")),
        // Sweden.
        Case(raw: "070-123 45 67", plan: .sweden, expected: e164("+46701234567")),
        Case(raw: "0046701234567", plan: .sweden, expected: e164("+46701234567")),
        // Russia: trunk 8, IDD 810 — 810 must win over the trunk 8.
        Case(raw: "8 (916) 123-45-67", plan: .russia, expected: e164("+79161234567")),
        Case(raw: "89161234567", plan: .russia, expected: e164("+79161234567")),
        Case(raw: "810358401234567", plan: .russia, expected: e164("+358401234567")),
        // Pitfall: Kazakhstan shares +7; the number is kept as received, not "corrected".
        Case(raw: "+7 701 123 4567", plan: .russia, expected: e164("+77011234567")),
        // Germany: the "(0)" shown in international form must be dropped.
        Case(raw: "030 12345678", plan: .germany, expected: e164("+493012345678")),
        Case(raw: "0049 30 12345678", plan: .germany, expected: e164("+493012345678")),
        Case(raw: "+49 (0)30 12345678", plan: .germany, expected: e164("+493012345678")),
        Case(raw: "+49 (0) 30/123 456-78", plan: .germany, expected: e164("+493012345678")),
        // Percent-encoded '+' in a SIP URI user part.
        Case(raw: "sip:%2B46701234567@example.invalid", plan: .sweden, expected: e164("+46701234567")),
        // Extensions stay extensions, even with a leading 0.
        Case(raw: "1001", plan: .finland, expected: .internalExtension("1001")),
        Case(raw: "0101", plan: .germany, expected: .internalExtension("0101")),
        // GB (the captures' plan).
        Case(raw: "07700900123", plan: .unitedKingdom, expected: e164("+447700900123")),
        Case(raw: "00447700900123", plan: .unitedKingdom, expected: e164("+447700900123")),
        Case(raw: "020 7946 0000", plan: .unitedKingdom, expected: e164("+442079460000")),
    ]

    @Test(arguments: table)
    func normalises(_ testCase: Case) {
        #expect(testCase.plan.normalise(testCase.raw) == testCase.expected)
    }

    @Test(arguments: ["anonymous", "Anonymous", "restricted", "unavailable", "", "anonymous.invalid",
                      "sip:anonymous@anonymous.invalid", "\"Anonymous\" <sip:anonymous@anonymous.invalid>", "  "])
    func everyAnonymousFormIsOneUnidentifiedCaller(_ raw: String) {
        for plan in [NumberPlan.finland, .sweden, .russia, .germany] {
            #expect(plan.normalise(raw) == .unidentified)
            let caller = CallerIdentity(raw: raw, plan: plan)
            #expect(caller.isUnidentified)
            #expect(caller.presentationRestricted)
        }
    }

    @Test(arguments: ["abc123", "+", "+0123456789", "1234567890123456789", "040-12x-4567", "+35840123456789012"])
    func rejectsWhatIsNotANumber(_ raw: String) {
        guard case .invalid = NumberPlan.finland.normalise(raw) else {
            Issue.record("\(raw) should be invalid, got \(NumberPlan.finland.normalise(raw))")
            return
        }
    }

    /// Plain digits (with or without `+`) take a byte-level path; the same text with a trailing
    /// blank takes the general one (URI stripping, written digits). Both must agree for every plan,
    /// every length and every prefix a plan knows (trunk, IDD, country code, a trunk 0 after +CC).
    @Test func plainDigitsAgreeWithTheGeneralPath() {
        let plans: [NumberPlan] = [
            .finland, .sweden, .russia, .germany, .unitedKingdom,
            NumberPlan(countryCode: "44", trunkPrefix: "0", internationalPrefixes: ["00"], digitsMayCarryCountryCode: false),
            NumberPlan(countryCode: "1", trunkPrefix: "", internationalPrefixes: ["011"], extensionLengths: 2...5),
        ]
        let stems = ["", "0", "00", "8", "810", "990", "99511", "44", "440", "358", "3580", "46", "7", "1", "49", "4901", "1234", "555"]
        var checked = 0
        for plan in plans {
            for stem in stems {
                for length in 0...18 {
                    var digits = stem
                    var filler = 7_700_900_123_456_789 as UInt64
                    while digits.utf8.count < length {
                        digits.append(Character(String(filler % 10)))
                        filler /= 10
                    }
                    for raw in [digits, "+" + digits] where !raw.isEmpty {
                        let fast = plan.normalise(raw)
                        let general = plan.normalise(raw + " ")
                        switch (fast, general) {
                        case (.invalid(let text), .invalid): #expect(text == raw)
                        default: #expect(fast == general, "\(raw) (+\(plan.countryCode))")
                        }
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 2_000)
    }

    @Test func digitsWithCountryCodeAreNationalWhenConfiguredSo() {
        var plan = NumberPlan.finland
        plan.digitsMayCarryCountryCode = false
        #expect(plan.normalise("358401234567") == Self.e164("+358358401234567"))
    }

    @Test func assertedIdentityIsTheCountedIdentity() {
        var caller = CallerIdentity(raw: "anonymous", plan: .finland)
        caller.assertedIdentity = E164Number(e164: "+358401234567")
        #expect(caller.countedNumber?.description == "+358401234567")
        #expect(!caller.isUnidentified)
        #expect(caller.presentationRestricted)
    }

    @Test func masksNumbersForLogs() {
        #expect(E164Number(e164: "+447700900123")!.masked == "+447*******23")
        #expect(E164Number.mask("1001") == "****")
    }
}
