import CallModel
import SIPParsing
import Testing

/// The identity order of protocols.md §6.3: verified number, P-Asserted-Identity, Remote-Party-ID,
/// From — with Privacy recorded, never lifting the count by the asserted identity.
@Suite("Caller identity precedence")
struct SIPCallerResolverTests {
    static let trunk = SIPAddress.ipv4(0xC000_0201)  // 192.0.2.1
    static let stranger = SIPAddress.ipv4(0xC633_6407)  // 198.51.100.7
    static let anonymousFrom = "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var from: String = "<sip:+442079460123@trunk.example;user=phone>;tag=f"
        var extra: [String] = []
        var trust: SIPTrustPolicy = .trustAll
        var source: SIPAddress? = SIPCallerResolverTests.trunk
        // Expected:
        var number: String?
        var asserted: String?
        var restricted = false
        var counted: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "From only", number: "+442079460123", counted: "+442079460123"),
        Case(
            name: "withheld with PAI and Privacy: id is counted by the PAI", from: anonymousFrom,
            extra: ["P-Asserted-Identity: <tel:+447700900123>", "Privacy: id"],
            asserted: "+447700900123", restricted: true, counted: "+447700900123"),
        Case(
            name: "PAI wins over a different From", extra: ["P-Asserted-Identity: <sip:+447700900456@trunk.example>"],
            number: "+442079460123", asserted: "+447700900456", counted: "+447700900456"),
        Case(
            name: "tel PAI preferred over sip PAI",
            extra: ["P-Asserted-Identity: <sip:+447700900111@trunk.example>, <tel:+447700900222>"],
            number: "+442079460123", asserted: "+447700900222", counted: "+447700900222"),
        Case(
            name: "PAI rows in two headers",
            extra: ["P-Asserted-Identity: <sip:+447700900111@trunk.example>", "P-Asserted-Identity: <tel:+447700900222>"],
            number: "+442079460123", asserted: "+447700900222", counted: "+447700900222"),
        Case(
            name: "PAI from an untrusted source is ignored", from: anonymousFrom,
            extra: ["P-Asserted-Identity: <tel:+447700900123>"], trust: .trustedSources([trunk]), source: stranger,
            restricted: true),
        Case(
            name: "PAI from a listed trunk is believed", from: anonymousFrom,
            extra: ["P-Asserted-Identity: <tel:+447700900123>"], trust: .trustedSources([trunk]),
            asserted: "+447700900123", restricted: true, counted: "+447700900123"),
        Case(
            name: "trust none", extra: ["P-Asserted-Identity: <tel:+447700900123>"], trust: .trustNone,
            number: "+442079460123", counted: "+442079460123"),
        Case(
            name: "Privacy: none does not restrict", extra: ["Privacy: none"], number: "+442079460123",
            counted: "+442079460123"),
        Case(
            name: "Privacy: header;critical restricts a presented number", extra: ["Privacy: header;critical"],
            number: "+442079460123", restricted: true, counted: "+442079460123"),
        Case(
            name: "Privacy: user, written with a comma", extra: ["Privacy: session, user"], number: "+442079460123",
            restricted: true, counted: "+442079460123"),
        Case(
            name: "RPID party=calling when there is no PAI", from: anonymousFrom,
            extra: ["Remote-Party-ID: \"Caller\" <sip:+447700900333@trunk.example>;party=calling;screen=yes;privacy=full"],
            asserted: "+447700900333", restricted: true, counted: "+447700900333"),
        Case(
            name: "RPID without party is calling", extra: ["Remote-Party-ID: <sip:+447700900333@trunk.example>"],
            number: "+442079460123", asserted: "+447700900333", counted: "+447700900333"),
        Case(
            name: "RPID privacy=name hides only the name",
            extra: ["Remote-Party-ID: <sip:+447700900333@trunk.example>;party=calling;privacy=name"],
            number: "+442079460123", asserted: "+447700900333", counted: "+447700900333"),
        Case(
            name: "RPID party=called is not the caller", from: anonymousFrom,
            extra: ["Remote-Party-ID: <sip:1001@pbx.example>;party=called"], restricted: true),
        Case(
            name: "PAI wins over RPID",
            extra: [
                "Remote-Party-ID: <sip:+447700900333@trunk.example>;party=calling",
                "P-Asserted-Identity: <sip:+447700900444@trunk.example>",
            ], number: "+442079460123", asserted: "+447700900444", counted: "+447700900444"),
        Case(
            name: "P-Preferred-Identity is only a wish", from: anonymousFrom,
            extra: ["P-Preferred-Identity: <sip:+447700900555@trunk.example>"], restricted: true),
        Case(
            name: "a verified From counts as asserted when there is no PAI",
            from: "<sip:+442079460123;verstat=TN-Validation-Passed@trunk.example;user=phone>;tag=v",
            number: "+442079460123", asserted: "+442079460123", counted: "+442079460123"),
        Case(
            name: "a verified PAI wins over an unverified tel PAI",
            extra: [
                "P-Asserted-Identity: <tel:+447700900111>",
                "P-Asserted-Identity: <sip:+447700900222;verstat=TN-Validation-Passed@trunk.example;user=phone>",
            ], number: "+442079460123", asserted: "+447700900222", counted: "+447700900222"),
        Case(name: "withheld with no identity at all", from: anonymousFrom, restricted: true),
        Case(
            name: "a PAI that is not a number asserts nothing",
            extra: ["P-Asserted-Identity: <sip:reception@pbx.example>"], number: "+442079460123",
            counted: "+442079460123"),
        Case(name: "national From", from: "<sip:07700900123@trunk.example>;tag=n", number: "+447700900123", counted: "+447700900123"),
    ]

    @Test("identity order", arguments: cases)
    func precedence(_ testCase: Case) throws {
        let message = try SIPMessage(bytes: SIPFixture.invite(from: testCase.from, extra: testCase.extra))
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        let caller = SIPCallerResolver(plan: SIPFixture.plan, trust: testCase.trust)
            .caller(identity, source: testCase.source)
        #expect(caller.number?.description == testCase.number)
        #expect(caller.assertedIdentity?.description == testCase.asserted)
        #expect(caller.presentationRestricted == testCase.restricted)
        #expect(caller.countedNumber?.description == testCase.counted)
        #expect(caller.isUnidentified == (testCase.counted == nil))
    }

    @Test func rawAndDisplayNameComeFromTheFromHeader() throws {
        let message = try SIPMessage(bytes: SIPFixture.invite())
        let caller = SIPCallerResolver(plan: SIPFixture.plan).caller(
            SIPIdentityReader(plan: SIPFixture.plan).read(message), source: nil)
        #expect(caller.raw == "sip:+442079460123@trunk.example;user=phone")
        #expect(caller.displayName == "Caller")
    }

    @Test func aRelayedMessageIsBelievedOnlyWhenItsRealSenderIsTrustedToo() throws {
        let message = try SIPMessage(bytes: SIPFixture.invite(from: Self.anonymousFrom, extra: ["P-Asserted-Identity: <tel:+447700900123>"]))
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        let relay = SIPAddress.ipv4(0x7F00_0001)
        let trusting = SIPCallerResolver(plan: SIPFixture.plan, trust: .trustedSources([Self.trunk, relay]))
        let trunkOnly = SIPCallerResolver(plan: SIPFixture.plan, trust: .trustedSources([Self.trunk]))
        // A HEP packet that says "from the trunk", sent by a host that is not trusted, asserts nothing.
        #expect(trunkOnly.caller(identity, source: Self.trunk, relayedBy: Self.stranger).assertedIdentity == nil)
        #expect(trunkOnly.caller(identity, source: Self.trunk, relayedBy: relay).assertedIdentity == nil)
        #expect(trusting.caller(identity, source: Self.trunk, relayedBy: relay).assertedIdentity?.description == "+447700900123")
        #expect(trusting.caller(identity, source: Self.stranger, relayedBy: relay).assertedIdentity == nil)
        #expect(trunkOnly.caller(identity, source: Self.trunk).assertedIdentity?.description == "+447700900123")
    }

    @Test func withoutTransportInformationOnlyTrustAllTrusts() {
        #expect(SIPTrustPolicy.trustAll.trusts(nil))
        #expect(!SIPTrustPolicy.trustedSources([Self.trunk]).trusts(nil))
        #expect(!SIPTrustPolicy.trustNone.trusts(Self.trunk))
    }

    @Test func anInternalCallerAssertedByThePBX() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(from: Self.anonymousFrom, extra: ["P-Asserted-Identity: <sip:2002@pbx.example>"]))
        let caller = SIPCallerResolver(plan: SIPFixture.plan).caller(
            SIPIdentityReader(plan: SIPFixture.plan).read(message), source: nil)
        #expect(caller.internalExtension == "2002")
        #expect(!caller.isUnidentified)
    }

    // MARK: - Callee

    @Test func calleeIsTheRequestURIUser() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(to: "<sip:reception@pbx.example>", requestURI: "sip:1001@192.0.2.20:5062"))
        let callee = SIPCallerResolver(plan: SIPFixture.plan).callee(SIPIdentityReader(plan: SIPFixture.plan).read(message))
        #expect(callee.key == "1001")
        #expect(callee.raw == "sip:1001@192.0.2.20:5062")
        #expect(callee.divertedFrom == nil)
    }

    @Test func anOpaqueContactUserDoesNotHideTheExtensionInTo() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(to: "<sip:1001@pbx.example>", requestURI: "sip:x7f3k2@192.0.2.20:5062"))
        let callee = SIPCallerResolver(plan: SIPFixture.plan).callee(SIPIdentityReader(plan: SIPFixture.plan).read(message))
        #expect(callee.key == "1001")
        #expect(callee.raw == "sip:1001@pbx.example")
    }

    @Test func anOpaqueRequestURIIsKeptWhenToIsNoBetter() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(to: "<sip:reception@pbx.example>", requestURI: "sip:x7f3k2@192.0.2.20:5062"))
        let callee = SIPCallerResolver(plan: SIPFixture.plan).callee(SIPIdentityReader(plan: SIPFixture.plan).read(message))
        #expect(callee.key == "x7f3k2")
    }

    @Test func calleeFallsBackToToWhenTheRequestURIHasNoUser() throws {
        let message = try SIPMessage(bytes: SIPFixture.invite(to: "<sip:1002@pbx.example>", requestURI: "sip:192.0.2.20"))
        let callee = SIPCallerResolver(plan: SIPFixture.plan).callee(SIPIdentityReader(plan: SIPFixture.plan).read(message))
        #expect(callee.key == "1002")
    }

    @Test func diversionNamesTheOriginallyCalledParty() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(
                requestURI: "sip:1003@pbx.example",
                extra: [
                    "Diversion: <sip:1002@pbx.example>;reason=no-answer;counter=1",
                    "Diversion: <sip:1001@pbx.example>;reason=user-busy;counter=1;privacy=off",
                ]))
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        #expect(identity.diversions.map(\.reason) == ["no-answer", "user-busy"])
        #expect(identity.diversions.map(\.counter) == [1, 1])
        let callee = SIPCallerResolver(plan: SIPFixture.plan).callee(identity)
        #expect(callee.key == "1003")
        #expect(callee.divertedFrom == "1001")
    }

    @Test func historyInfoNamesTheOriginallyCalledParty() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(
                requestURI: "sip:07700900999@trunk.example",
                extra: [
                    "History-Info: <sip:1001@pbx.example>;index=1, <sip:07700900999@trunk.example;cause=408>;index=1.1"
                ]))
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        #expect(identity.history.map(\.index) == ["1", "1.1"])
        #expect(identity.history.map(\.cause) == [nil, 408])
        let callee = SIPCallerResolver(plan: SIPFixture.plan).callee(identity)
        #expect(callee.key == "+447700900999")
        #expect(callee.divertedFrom == "1001")
    }

    @Test func remotePartyParameters() throws {
        let message = try SIPMessage(
            bytes: SIPFixture.invite(extra: [
                "Remote-Party-ID: <sip:+447700900333@trunk.example>;party=calling;screen=no;privacy=uri, <sip:1001@pbx.example>;party=called"
            ]))
        let parties = SIPIdentityReader(plan: SIPFixture.plan).read(message).remoteParties
        #expect(parties.map(\.role) == [.calling, .called])
        #expect(parties.map(\.screened) == [false, false])
        #expect(parties.map(\.privacy) == [.uri, .off])
    }
}
