package import CallModel

/// The claims of a SHAKEN PASSporT (RFC 8225, RFC 8588) carried in a SIP `Identity` header
/// (RFC 8224): `Identity: <header>.<payload>.<signature>;info=<…>;alg=ES256;ppt=shaken`.
///
/// **The signature is not verified.** These are what the originating carrier *claims*; reading
/// them needs no certificate, verifying them needs the carrier's certificate from `info=` (a
/// network fetch, which the pure core does not do). A claimed attestation is therefore a hint for
/// scoring, never proof of identity, and ``originatingNumber`` never becomes an asserted identity.
package struct PASSporTClaims: Hashable, Sendable {
    /// `attest`: A, B or C; nil when absent or another value.
    package var attestation: STIRAttestation?
    /// `orig.tn`: the calling number the carrier signed, as written.
    package var originatingNumber: String?
    /// `dest.tn`: the called numbers, as written.
    package var destinationNumbers: [String] = []
    /// `iat`: when the PASSporT was issued, seconds since the epoch.
    package var issuedAt: Int64?
    /// `origid`: the carrier's opaque origination identifier.
    package var originIdentifier: String?

    package init() {}

    /// The longest payload read (bytes after base64 decoding); PASSporTs are a few hundred bytes.
    static let maximumPayloadLength = 8 * 1024

    /// Reads the claims of the first `Identity` header in `message` that carries a compact JWS;
    /// nil when there is none or its payload is not a JSON object (an RFC 4474 signature, garbage).
    package init?(_ message: SIPMessage) {
        let bytes = message.bytes.span
        for field in message.headers where field.name == .identity {
            // The JWS runs to the first ';' (then info=, alg=, ppt=); some write it in <> or "".
            var token = bytes.trimmingWhitespace(
                field.value.lowerBound..<bytes.firstIndex(of: ASCII.semicolon, from: field.value.lowerBound, to: field.value.upperBound))
            if token.count >= 2, bytes[token.lowerBound] == ASCII.quote || bytes[token.lowerBound] == ASCII.lessThan {
                token = (token.lowerBound + 1)..<(token.upperBound - 1)
            }
            let firstDot = bytes.firstIndex(of: ASCII.dot, from: token.lowerBound, to: token.upperBound)
            let secondDot = bytes.firstIndex(of: ASCII.dot, from: firstDot + 1, to: token.upperBound)
            guard secondDot < token.upperBound,
                bytes.firstIndex(of: ASCII.dot, from: secondDot + 1, to: token.upperBound) == token.upperBound,
                let payload = Base64URL.decode(bytes, (firstDot + 1)..<secondDot, maximum: Self.maximumPayloadLength),
                let claims = PASSporTJSONReader.claims(payload)
            else { continue }
            self = claims
            return
        }
        return nil
    }

    static func attestation(_ value: String) -> STIRAttestation? {
        STIRAttestation(rawValue: value.uppercased())
    }
}
