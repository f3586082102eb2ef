/// One `Diversion` entry (RFC 5806): who forwarded the call and why. The topmost entry is the
/// most recent redirection; the last entry names the party originally called.
package struct SIPDiversion: Hashable, Sendable {
    package var party: SIPParty
    /// `reason=` (`user-busy`, `no-answer`, `unconditional`, …), when given.
    package var reason: String?
    /// `counter=`, when given.
    package var counter: Int?

    package init(party: SIPParty, reason: String? = nil, counter: Int? = nil) {
        self.party = party
        self.reason = reason
        self.counter = counter
    }
}

/// One `History-Info` entry (RFC 7044): a target the request was sent to, in `index` order.
package struct SIPHistoryEntry: Hashable, Sendable {
    package var party: SIPParty
    /// `index=` as written (`1`, `1.1`, `1.1.2`), when given.
    package var index: String?
    /// The `cause=` URI parameter (RFC 4458: the SIP status that caused the retarget), when given.
    package var cause: Int?

    package init(party: SIPParty, index: String? = nil, cause: Int? = nil) {
        self.party = party
        self.index = index
        self.cause = cause
    }
}

/// One `Remote-Party-ID` entry (draft-ietf-sip-privacy-04, legacy but common on PBX trunks).
package struct SIPRemoteParty: Hashable, Sendable {
    package enum Role: Hashable, Sendable {
        /// `party=calling`, or no `party` parameter (the draft's default).
        case calling
        case called
    }

    package enum Privacy: Hashable, Sendable {
        /// `privacy=off` or none given.
        case off
        /// `privacy=name`: hide the display name only.
        case name
        /// `privacy=uri` or `privacy=full`: hide the number.
        case uri
    }

    package var party: SIPParty
    package var role: Role
    /// `screen=yes`: the network verified the identity.
    package var screened: Bool
    package var privacy: Privacy

    package init(party: SIPParty, role: Role, screened: Bool, privacy: Privacy) {
        self.party = party
        self.role = role
        self.screened = screened
        self.privacy = privacy
    }
}
