package import CallModel

/// One identity a header names: its URI, display name and telephone number, normalised.
package struct SIPParty: Hashable, Sendable {
    /// The URI as written (`sip:+442079460123@trunk.example;user=phone`).
    package var uri: String
    package var scheme: SIPURI.Scheme
    /// The display name, escapes decoded; nil when absent.
    package var displayName: String?
    /// The telephone number the URI carries; nil for schemes other than sip, sips and tel.
    package var telephoneNumber: SIPTelephoneNumber?
    /// ``telephoneNumber`` normalised with the reader's plan (`.invalid` when there is none).
    package var number: NormalisedNumber

    package init(
        uri: String, scheme: SIPURI.Scheme, displayName: String? = nil, telephoneNumber: SIPTelephoneNumber?,
        number: NormalisedNumber
    ) {
        self.uri = uri
        self.scheme = scheme
        self.displayName = displayName
        self.telephoneNumber = telephoneNumber
        self.number = number
    }

    /// Reads the party in `uri` with an optional display name, normalising with `plan`.
    init(_ bytes: Span<UInt8>, uri: SIPURI, displayName: String?, plan: NumberPlan) {
        let telephoneNumber = SIPTelephoneNumber(bytes, uri)
        self.init(
            uri: bytes.string(uri.whole), scheme: uri.scheme, displayName: displayName,
            telephoneNumber: telephoneNumber,
            number: telephoneNumber?.normalised(with: plan) ?? .invalid(bytes.string(uri.whole)))
    }

    /// Reads the party of a name-addr value.
    init(_ bytes: Span<UInt8>, _ address: SIPNameAddress, plan: NumberPlan) {
        self.init(bytes, uri: address.uri, displayName: address.displayNameText(bytes), plan: plan)
    }

    /// Whether ``number`` is an internal extension.
    var isExtension: Bool {
        if case .internalExtension = number { return true }
        return false
    }

    /// The key this party is counted or addressed by: E.164, extension digits, or the user part
    /// lower-cased (the host when there is no user part).
    package var key: String {
        switch number {
        case .e164(let number): return number.description
        case .internalExtension(let digits): return digits
        case .unidentified, .invalid:
            if let subscriber = telephoneNumber?.subscriber, !subscriber.isEmpty { return subscriber.lowercased() }
            return uri.lowercased()
        }
    }
}
