import CallModel
import SIPParsing
import Testing

/// SHAKEN PASSporT claims read from the Identity header without verifying the signature.
@Suite("STIR/SHAKEN Identity header")
struct PASSporTClaimsTests {
    static let protectedHeader = #"{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"https://cert.example/sp.pem"}"#

    /// Base64url without padding (RFC 4648 §5), as JWS writes it.
    static func base64url(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let bytes = Array(text.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0..<(chunk.count + 1) {
                output.append(alphabet[(value >> (18 - 6 * position)) & 0x3F])
            }
            index += 3
        }
        return output
    }

    static func identityHeader(payload: String, parameters: String = ";info=<https://cert.example/sp.pem>;alg=ES256;ppt=shaken") -> String {
        "Identity: " + base64url(protectedHeader) + "." + base64url(payload) + "." + base64url("not-a-real-signature")
            + parameters
    }

    static func claims(_ headers: [String]) throws -> PASSporTClaims? {
        PASSporTClaims(try SIPMessage(bytes: SIPFixture.invite(extra: headers)))
    }

    @Test("attestation levels", arguments: [("A", STIRAttestation.full), ("B", .partial), ("C", .gateway)])
    func attestation(letter: String, expected: STIRAttestation) throws {
        let payload =
            #"{"attest":"\#(letter)","dest":{"tn":["442079460999"]},"iat":1705321822,"orig":{"tn":"442079460123"},"origid":"123e4567-e89b-12d3-a456-426614174000"}"#
        let claims = try #require(try Self.claims([Self.identityHeader(payload: payload)]))
        #expect(claims.attestation == expected)
        #expect(claims.originatingNumber == "442079460123")
        #expect(claims.destinationNumbers == ["442079460999"])
        #expect(claims.issuedAt == 1_705_321_822)
        #expect(claims.originIdentifier == "123e4567-e89b-12d3-a456-426614174000")
    }

    @Test func attestationReachesTheCallerButTheOriginatingNumberIsNotAnIdentity() throws {
        let payload = #"{"attest":"C","orig":{"tn":"447700900777"},"dest":{"tn":"1001"},"iat":1}"#
        let message = try SIPMessage(
            bytes: SIPFixture.invite(
                from: "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=x", extra: [Self.identityHeader(payload: payload)]))
        let caller = SIPCallerResolver(plan: SIPFixture.plan).caller(
            SIPIdentityReader(plan: SIPFixture.plan).read(message), source: nil)
        #expect(caller.attestation == .gateway)
        #expect(caller.assertedIdentity == nil)
        #expect(caller.isUnidentified)
    }

    @Test func compactFormAndUnknownMembersAndWhitespace() throws {
        let payload = #" { "extra" : [1, 2.5e3, true, null, {"x": "y"}], "attest" : "A" , "orig":{"tn":"1","other":{}}} "#
        let header = "y: " + Self.base64url(Self.protectedHeader) + "." + Self.base64url(payload) + ".sig;ppt=shaken"
        #expect(try Self.claims([header])?.attestation == .full)
    }

    @Test func unknownAttestationValueIsNil() throws {
        let claims = try Self.claims([Self.identityHeader(payload: #"{"attest":"D","iat":5}"#)])
        #expect(claims?.attestation == nil)
        #expect(claims?.issuedAt == 5)
    }

    @Test("not a PASSporT", arguments: [
        "Identity: \"ZmFrZSByZmMgNDQ3NCBzaWduYXR1cmU=\";info=<https://cert.example/a.cer>;alg=rsa-sha1",
        "Identity: onlyone.part",
        "Identity: a.b.c.d",
        "Identity: eyJh.!!!.sig",
        "Identity: ",
        "Identity: " + PASSporTClaimsTests.base64url("{}") + "." + PASSporTClaimsTests.base64url("[1,2]") + ".s",
        "Identity: x." + PASSporTClaimsTests.base64url(#"{"attest":"A""#) + ".s",
        "Identity: x." + PASSporTClaimsTests.base64url(#"{"attest":"A"} trailing"#) + ".s",
        "Identity: x." + PASSporTClaimsTests.base64url(#"{"attest":"A\q"}"#) + ".s",
        "Identity: x." + PASSporTClaimsTests.base64url(String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40)) + ".s",
        "Identity: x." + PASSporTClaimsTests.base64url(#"{"a":"#) + String(repeating: "[", count: 100) + ".s",
    ])
    func notAPASSporT(header: String) throws {
        #expect(try Self.claims([header]) == nil)
    }

    @Test func deeplyNestedUnknownMembersStopAtTheDepthLimit() throws {
        let nested = String(repeating: #"{"a":"#, count: 20) + "1" + String(repeating: "}", count: 20)
        #expect(try Self.claims([Self.identityHeader(payload: #"{"attest":"A","x":\#(nested)}"#)]) == nil)
        let shallow = String(repeating: #"{"a":"#, count: 5) + "1" + String(repeating: "}", count: 5)
        #expect(try Self.claims([Self.identityHeader(payload: #"{"attest":"A","x":\#(shallow)}"#)])?.attestation == .full)
    }

    @Test func theFirstReadableIdentityHeaderCounts() throws {
        let claims = try Self.claims([
            "Identity: garbage", Self.identityHeader(payload: #"{"attest":"B"}"#),
        ])
        #expect(claims?.attestation == .partial)
    }

    @Test func escapedStringsAreDecoded() throws {
        let claims = try Self.claims([Self.identityHeader(payload: #"{"attest":"\u0041","origid":"a\"b\\c\/d"}"#)])
        #expect(claims?.attestation == .full)
        #expect(claims?.originIdentifier == "a\"b\\c/d")
    }
}
