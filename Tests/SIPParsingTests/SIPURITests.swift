import CallModel
import SIPParsing
import Testing

@Suite("SIP and tel URIs, name-addr")
struct SIPURITests {
    /// Parses `value` as the From header of an OPTIONS and returns the message and its From.
    private func from(_ value: String) throws -> (SIPMessage, SIPNameAddress) {
        let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\nFrom: \(value)\r\n\r\n")
        return (message, try #require(message.from))
    }

    @Test func sipURIParts() throws {
        let (message, address) = try from("<sip:alice:secret@[2001:db8::10]:5070;transport=tcp;user=phone?subject=x>;tag=9")
        let uri = address.uri
        #expect(uri.scheme == .sip)
        #expect(uri.user.map(message.text) == "alice")
        #expect(message.text(uri.host) == "[2001:db8::10]")
        #expect(uri.port == 5070)
        #expect(message.text(uri.parameters) == ";transport=tcp;user=phone")
        #expect(message.text(uri.headers) == "subject=x")
        #expect(address.tag(in: message).map(message.text) == "9")
    }

    @Test func sipsAndSchemeCase() throws {
        let (message, address) = try from("<SIPS:+442079460123@trunk.example>")
        #expect(address.uri.scheme == .sips)
        #expect(address.uri.user.map(message.text) == "+442079460123")
    }

    @Test func uriWithoutUserPart() throws {
        let (message, address) = try from("<sip:pbx.example:5060>")
        #expect(address.uri.user == nil)
        #expect(message.text(address.uri.host) == "pbx.example")
        #expect(address.uri.port == 5060)
    }

    @Test func bareAddrSpecParametersBelongToTheHeader() throws {
        let (message, address) = try from("sip:+442079460123@trunk.example;tag=bare-1")
        #expect(message.text(address.uri.whole) == "sip:+442079460123@trunk.example")
        #expect(address.tag(in: message).map(message.text) == "bare-1")
        #expect(address.displayName == nil)
    }

    @Test func quotedDisplayNameWithEscapes() throws {
        let (message, address) = try from("\"The \\\"Boss\\\" \\\\ Co\" <sip:1001@pbx.example>;tag=q")
        #expect(address.displayNameIsQuoted)
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        #expect(identity.from?.displayName == "The \"Boss\" \\ Co")
    }

    @Test func tokenDisplayName() throws {
        let (message, _) = try from("Reception Desk <sip:1001@pbx.example>;tag=t")
        let identity = SIPIdentityReader(plan: SIPFixture.plan).read(message)
        #expect(identity.from?.displayName == "Reception Desk")
        #expect(identity.from?.number == .internalExtension("1001"))
    }

    @Test("malformed addresses are nil, never a trap", arguments: [
        "\"unterminated <sip:a@b>", "\"name\" sip:a@b", "<sip:a@b", "<>", "<nocolon>", "<sip:user@>",
        "<sip:a@b:99999>", "<sip:a@b:port>", "<sip:a@[2001:db8::1>", "", "   ", "<:x>",
    ])
    func malformedAddress(value: String) throws {
        let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\nFrom: \(value)\r\n\r\n")
        #expect(message.from == nil)
    }

    @Test func otherSchemesParseWithoutParts() throws {
        let (_, address) = try from("<urn:service:sos>")
        #expect(address.uri.scheme == .other)
        #expect(address.uri.user == nil)
    }

    // MARK: - Telephone numbers

    private func number(_ value: String, plan: NumberPlan = SIPFixture.plan) throws -> SIPParty {
        let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\nFrom: \(value)\r\n\r\n")
        return try #require(SIPIdentityReader(plan: plan).read(message).from)
    }

    @Test("telephone numbers from URIs", arguments: [
        ("<tel:+44-20-7946-0123>", "+442079460123"),
        ("<tel:+44.20.(7946).0123>", "+442079460123"),
        ("<tel:020-7946-0123;phone-context=+44>", "+442079460123"),
        ("<tel:02079460123;phone-context=pbx.example>", "+442079460123"),
        ("<sip:+442079460123@trunk.example;user=phone>", "+442079460123"),
        ("<sip:+44-20-7946-0123;npdi;rn=+442079460999@trunk.example;user=phone>", "+442079460123"),
        ("<sip:02079460123@trunk.example>", "+442079460123"),
        ("<sip:%2B442079460123@trunk.example>", "+442079460123"),
        ("<sip:0044%202079460123@trunk.example>", "+442079460123"),
        ("<sips:07700900123@trunk.example>", "+447700900123"),
        ("<sip:07700900123;phone-context=+44@trunk.example;user=phone>", "+447700900123"),
    ])
    func telephoneNumber(value: String, expected: String) throws {
        #expect(try number(value).number == .e164(try #require(E164Number(e164: expected))))
    }

    @Test func aLocalNumberInAnotherCountrysContextIsNotGuessed() throws {
        let party = try number("<tel:0401234567;phone-context=+358>")
        #expect(party.telephoneNumber?.phoneContext == "+358")
        #expect(party.number.e164 == nil)
    }

    @Test("anonymous and non-numeric users", arguments: [
        ("\"Anonymous\" <sip:anonymous@anonymous.invalid>", NormalisedNumber.unidentified),
        ("<sip:Anonymous@pbx.example>", .unidentified),
        ("<sip:restricted@trunk.example>", .unidentified),
        ("<sip:unavailable@trunk.example>", .unidentified),
        ("<sip:trunk.example>", .unidentified),
        ("<tel:;phone-context=+44>", .unidentified),
        ("<sip:1001@pbx.example>", .internalExtension("1001")),
        ("<sip:alice@pbx.example>", .invalid("alice")),
    ])
    func anonymousForms(value: String, expected: NormalisedNumber) throws {
        #expect(try number(value).number == expected)
    }

    @Test func verificationStatusInTheUserPartOrTheURI() throws {
        let inUser = try number("<sip:+442079460123;verstat=TN-Validation-Passed@trunk.example;user=phone>")
        #expect(inUser.telephoneNumber?.passedVerification == true)
        #expect(inUser.number.e164 != nil)
        let inTel = try number("<tel:+442079460123;verstat=TN-Validation-Failed>")
        #expect(inTel.telephoneNumber?.verificationStatus == "TN-Validation-Failed")
        #expect(inTel.telephoneNumber?.passedVerification == false)
    }

    @Test func finnishPlanReadsCarrierPrefixes() throws {
        let party = try number("<sip:990358401234567@trunk.example>", plan: .finland)
        #expect(party.number.e164?.description == "+358401234567")
    }
}
