/// The attestation level a STIR/SHAKEN originating carrier put in its PASSporT (RFC 8588 `attest`).
///
/// Recorded as the carrier *claimed* it: whether the signature was verified is not part of this
/// value (Callwarden's SIP reader does not verify signatures). A `gateway` or absent attestation
/// deserves a lower trust score, never an automatic block on its own.
package enum STIRAttestation: String, Hashable, Sendable, CaseIterable, Codable {
    /// `A`: the carrier knows the customer and that they may use the calling number.
    case full = "A"
    /// `B`: the carrier knows the customer but not that they may use the number.
    case partial = "B"
    /// `C`: the carrier only received the call from elsewhere (a gateway, often international).
    case gateway = "C"
}
