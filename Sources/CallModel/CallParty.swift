/// Who called, as far as the PBX or the network told us.
///
/// ``countedNumber`` is the identity detection and matching count by: the network-asserted identity
/// (P-Asserted-Identity) first, the presented number otherwise. A withheld caller with an asserted
/// identity is therefore counted by that identity (the MCID idea) while ``presentationRestricted``
/// records that the number was not shown to the employee.
package struct CallerIdentity: Hashable, Sendable {
    /// The number exactly as received (`0401234567`, `anonymous`, `sip:+358...@host`).
    package var raw: String
    /// The presented number in E.164, nil when withheld, absent or not a number.
    package var number: E164Number?
    /// An internal extension when the call came from inside the PBX.
    package var internalExtension: String?
    /// The display name as received; personal data, never logged.
    package var displayName: String?
    /// The network-asserted identity (P-Asserted-Identity) in E.164, when the network gave one.
    package var assertedIdentity: E164Number?
    /// The caller asked for presentation to be restricted (Privacy: id/header, CLIR, `anonymous`).
    package var presentationRestricted: Bool
    /// The STIR/SHAKEN attestation the originating carrier claimed (SIP `Identity` header), when
    /// there was one. Unverified: see ``STIRAttestation``.
    package var attestation: STIRAttestation?

    package init(
        raw: String,
        number: E164Number? = nil,
        internalExtension: String? = nil,
        displayName: String? = nil,
        assertedIdentity: E164Number? = nil,
        presentationRestricted: Bool = false,
        attestation: STIRAttestation? = nil
    ) {
        self.raw = raw
        self.number = number
        self.internalExtension = internalExtension
        self.displayName = displayName
        self.assertedIdentity = assertedIdentity
        self.presentationRestricted = presentationRestricted
        self.attestation = attestation
    }

    /// Builds an identity from a number as received, normalised with `plan`. The anonymous forms
    /// become an unidentified, presentation-restricted caller.
    package init(raw: String, displayName: String? = nil, plan: NumberPlan) {
        self.init(raw: raw, displayName: displayName)
        switch plan.normalise(raw) {
        case .e164(let number): self.number = number
        case .internalExtension(let digits): self.internalExtension = digits
        case .unidentified: self.presentationRestricted = true
        case .invalid: break
        }
    }

    /// The identity to count this caller by: asserted identity first, then the presented number.
    package var countedNumber: E164Number? { assertedIdentity ?? number }

    /// No usable identity at all: withheld without an asserted identity, or not a number.
    package var isUnidentified: Bool { countedNumber == nil && internalExtension == nil }
}

/// Who was called: an internal extension (the employee) or, when the PBX did not map it, a number.
package struct CalledParty: Hashable, Sendable {
    /// As received (`1001`, `0912345678`, `sip:1001@pbx`).
    package var raw: String
    /// The key detection and rules use: the extension digits, or the E.164 form of a number.
    package var key: String
    /// When the call was forwarded to this party (SIP Diversion / History-Info), the ``key`` of the
    /// party originally called, normalised the same way; nil when not forwarded or not known.
    package var divertedFrom: String?

    package init(raw: String, key: String, divertedFrom: String? = nil) {
        self.raw = raw
        self.key = key
        self.divertedFrom = divertedFrom
    }

    /// Normalises `raw` with `plan`: an extension stays digits, a number becomes E.164, anything
    /// else is kept as received (lower-cased) so that it still groups.
    package init(raw: String, plan: NumberPlan) {
        self.raw = raw
        switch plan.normalise(raw) {
        case .e164(let number): self.key = number.description
        case .internalExtension(let digits): self.key = digits
        case .unidentified, .invalid: self.key = NumberPlan.stripURI(raw).lowercased()
        }
    }
}
