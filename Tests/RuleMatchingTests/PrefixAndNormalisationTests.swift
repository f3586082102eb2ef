import CallModel
import RuleMatching
import Testing

struct PrefixAndNormalisationTests {
    typealias F = RuleFixtures
    /// A 15-digit synthetic number (the E.164 maximum), so every prefix length 1...15 exists.
    static let longNumber = "+442079460123456"

    @Test(arguments: 1...15)
    func prefixOfEachLengthMatchesAndLongestWins(_ length: Int) {
        let digits = String(Self.longNumber.dropFirst())
        let rules = (1...length).map { F.rule(Int64($0), .prefix(String(digits.prefix($0))), .block) }
        let snapshot = F.compile(rules)
        #expect(snapshot.decidingRule(F.caller(Self.longNumber)) == Int64(length))
        // One digit different at the last position of the longest prefix: the next shorter one decides.
        var other = Array(digits)
        let last = other[length - 1]
        other[length - 1] = last == "9" ? "8" : Character(String((Int(String(last)) ?? 0) + 1))
        let otherNumber = "+" + String(other)
        #expect(snapshot.decidingRule(F.caller(otherNumber)) == (length == 1 ? nil : Int64(length - 1)))
    }

    @Test(arguments: 1...15)
    func prefixLongerThanTheNumberNeverMatches(_ length: Int) {
        // An 8-digit number (+44 7946 0123 shortened) against a prefix of `length` digits of a longer number.
        let digits = "442079460123456"
        let snapshot = F.compile([F.rule(1, .prefix(String(digits.prefix(length))))])
        let shortNumber = "+44207946"
        #expect((snapshot.decidingRule(F.caller(shortNumber)) == 1) == (length <= 8))
    }

    @Test func manyPrefixLengthsInManyScopes() {
        var rules: [Rule] = []
        var id: Int64 = 0
        for scope in ["1001", "1002", "+442079460999", "queue-sales"] {
            for length in stride(from: 2, through: 14, by: 3) {
                id += 1
                rules.append(F.rule(id, .prefix(String("44207946012345".prefix(length))), scope: scope))
            }
        }
        let snapshot = F.compile(rules)
        #expect(snapshot.decidingRule(F.caller("+442079460123456"), callee: "1001") == 5)
        #expect(snapshot.decidingRule(F.caller("+442079460123456"), callee: "queue-sales") == 20)
        #expect(snapshot.decidingRule(F.caller("+4420799999"), callee: "1002") == 7)  // "44207" only
        #expect(snapshot.decidingRule(F.caller("+442079460123456"), callee: "1003") == nil)
    }

    /// Numbers as PBXs send them, normalised with the deployment's plan before matching.
    @Test(arguments: [
        ("020 7946 0123", true), ("02079460123", true), ("00442079460123", true), ("+44 20 7946 0123", true),
        ("sip:+442079460123@pbx.example;user=phone", true), ("\"Caller\" <sip:02079460123@pbx>", true),
        ("tel:+44-20-7946-0123", true), ("020 7946 0124", false), ("anonymous", false), ("2001", false),
    ])
    func numbersAsThePBXSendsThem(_ raw: String, _ blocked: Bool) {
        let snapshot = F.compile([F.rule(1, F.exact("+442079460123"))])
        let caller = CallerIdentity(raw: raw, plan: F.plan)
        #expect((snapshot.decidingRule(caller) == 1) == blocked)
    }

    @Test func calleeAsThePBXSendsIt() {
        let snapshot = F.compile([F.rule(1, F.exact("+442079460123"), scope: "2001")])
        for raw in ["2001", "sip:2001@pbx.example", "<sip:2001@pbx.example;transport=udp>"] {
            let callee = CalledParty(raw: raw, plan: F.plan)
            #expect(snapshot.decidingRule(F.caller("+442079460123"), callee: callee.key) == 1, "\(raw)")
        }
    }

    @Test func anonymousFormsAreUnidentified() {
        let snapshot = F.compile([F.rule(1, .unidentified, .redirect(to: "+442079460000"))])
        for raw in ["anonymous", "", "Restricted", "sip:anonymous@anonymous.invalid", "withheld"] {
            let caller = CallerIdentity(raw: raw, plan: F.plan)
            #expect(snapshot.decidingRule(caller) == 1, "\(raw)")
        }
        // Not a number at all but not an anonymous form: invalid, also without identity.
        #expect(snapshot.decidingRule(CallerIdentity(raw: "abc", plan: F.plan)) == 1)
    }

    @Test func calleeKeysOfAnyTextLengthAndContent() {
        let long = String(repeating: "x", count: 64)
        let snapshot = F.compile([
            F.rule(1, F.exact("+442079460123"), scope: long), F.rule(2, F.exact("+442079460123"), scope: "ä-1001"),
        ])
        #expect(snapshot.decidingRule(F.caller("+442079460123"), callee: long) == 1)
        #expect(snapshot.decidingRule(F.caller("+442079460123"), callee: "ä-1001") == 2)
        #expect(snapshot.decidingRule(F.caller("+442079460123"), callee: long + "x") == nil)
        #expect(snapshot.decidingRule(F.caller("+442079460123"), callee: "") == nil)
    }
}
