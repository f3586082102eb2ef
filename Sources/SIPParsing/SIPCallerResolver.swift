package import CallModel

/// Which peers' network-asserted identities (P-Asserted-Identity, Remote-Party-ID, `verstat`)
/// are believed. RFC 3325: only from inside the trust domain — the deployment's own trunks and
/// proxies.
package enum SIPTrustPolicy: Hashable, Sendable {
    /// Believe every asserted identity (a sensor that only sees traffic from trusted trunks).
    case trustAll
    /// Believe them only in messages sent from one of these addresses.
    case trustedSources(Set<SIPAddress>)
    /// Never believe them (the From header is all there is).
    case trustNone

    /// Whether a message from `source` is inside the trust domain. With no transport information
    /// only ``trustAll`` trusts.
    package func trusts(_ source: SIPAddress?) -> Bool {
        switch self {
        case .trustAll: true
        case .trustNone: false
        case .trustedSources(let addresses): source.map(addresses.contains) ?? false
        }
    }
}

/// Chooses the caller's and the callee's identity from what a request stated, in the precedence
/// protocols.md §6.3 recommends (the same order as Asterisk's `trust_id_inbound`):
///
/// 1. A number a trusted STIR verifier marked `verstat=TN-Validation-Passed` (on the
///    P-Asserted-Identity or, when there is none, on the From).
/// 2. P-Asserted-Identity, the tel URI before the sip URI — even with `Privacy: id`: Callwarden
///    is inside the trust domain; it records that presentation was restricted and never shows it.
/// 3. Remote-Party-ID with `party=calling` (or no `party`).
/// 4. The From user: the presented number (untrusted; still the key for "anonymous").
///
/// Steps 1–3 fill ``CallModel/CallerIdentity/assertedIdentity`` and only for trusted sources;
/// step 4 fills ``CallModel/CallerIdentity/number``. A withheld caller with an asserted identity is
/// thus counted by it (``CallModel/CallerIdentity/countedNumber``, the MCID idea).
///
/// Deliberately not done: verifying the Identity header's signature (the PASSporT `orig.tn` is
/// never used as an identity, only its claimed attestation is recorded), using
/// P-Preferred-Identity (a request, not an assertion), or choosing among several forks.
package struct SIPCallerResolver: Sendable {
    package var plan: NumberPlan
    package var trust: SIPTrustPolicy

    package init(plan: NumberPlan, trust: SIPTrustPolicy = .trustAll) {
        self.plan = plan
        self.trust = trust
    }

    /// The caller of a request with these identities, sent from `source` and, when it was relayed
    /// (HEP), received from `relayedBy`: a relayed message is inside the trust domain only when
    /// its real sender is trusted too, since anyone can write any `source` into a HEP packet.
    package func caller(_ identity: SIPIdentity, source: SIPAddress?, relayedBy: SIPAddress? = nil) -> CallerIdentity {
        var caller = CallerIdentity(raw: identity.from?.uri ?? "", displayName: identity.from?.displayName)
        apply(identity.from?.number ?? .unidentified, to: &caller)
        if identity.privacy.restrictsPresentation { caller.presentationRestricted = true }
        if let calling = callingRemoteParty(identity), calling.privacy == .uri { caller.presentationRestricted = true }
        caller.attestation = identity.passport?.attestation

        guard trust.trusts(source), relayedBy.map({ trust.trusts($0) }) ?? true else { return caller }
        let asserted = assertedParty(identity)
        switch asserted?.number {
        case .e164(let number):
            caller.assertedIdentity = number
        case .internalExtension(let digits):
            if caller.internalExtension == nil && caller.number == nil { caller.internalExtension = digits }
        case .unidentified, .invalid, nil:
            break
        }
        return caller
    }

    /// The called party of a request: the Request-URI's user (where the call is being routed),
    /// else the To user — whichever first is a number or an extension, so that a registered
    /// contact with an opaque user part (`sip:x7f3k2@192.0.2.20`) does not hide the extension the
    /// To header names. `divertedFrom` names the originally called party when a Diversion or
    /// History-Info entry says the call was forwarded.
    package func callee(_ identity: SIPIdentity) -> CalledParty {
        // The Request-URI before To at each step, without building an array of the two.
        func isNumbered(_ party: SIPParty?) -> Bool { party.map { $0.number.e164 != nil || $0.isExtension } ?? false }
        func hasSubscriber(_ party: SIPParty?) -> Bool { party?.telephoneNumber?.subscriber.isEmpty == false }
        let target: SIPParty
        if isNumbered(identity.requestURI) || (!isNumbered(identity.to) && hasSubscriber(identity.requestURI)),
            let requestURI = identity.requestURI
        {
            target = requestURI
        } else if isNumbered(identity.to) || hasSubscriber(identity.to), let to = identity.to {
            target = to
        } else if let first = identity.requestURI ?? identity.to {
            target = first
        } else {
            return CalledParty(raw: "", key: "")
        }
        var callee = CalledParty(raw: target.uri, key: target.key)
        let original = identity.diversions.last?.party ?? identity.history.first?.party
        if let original, original.key != callee.key { callee.divertedFrom = original.key }
        return callee
    }

    // MARK: - Precedence

    /// Steps 1–3: the party whose number the network vouches for, if any.
    private func assertedParty(_ identity: SIPIdentity) -> SIPParty? {
        let asserted = identity.assertedIdentities
        if let verified = asserted.first(where: { $0.telephoneNumber?.passedVerification == true }) { return verified }
        if asserted.isEmpty, let from = identity.from, from.telephoneNumber?.passedVerification == true { return from }
        if let tel = asserted.first(where: { $0.scheme == .tel && $0.number.e164 != nil }) { return tel }
        if let numbered = asserted.first(where: { $0.number.e164 != nil }) { return numbered }
        if let first = asserted.first { return first }
        return callingRemoteParty(identity)?.party
    }

    private func callingRemoteParty(_ identity: SIPIdentity) -> SIPRemoteParty? {
        identity.remoteParties.first { $0.role == .calling }
    }

    /// Fills the presented-number fields the way ``CallModel/CallerIdentity/init(raw:displayName:plan:)`` does.
    private func apply(_ number: NormalisedNumber, to caller: inout CallerIdentity) {
        switch number {
        case .e164(let value): caller.number = value
        case .internalExtension(let digits): caller.internalExtension = digits
        case .unidentified: caller.presentationRestricted = true
        case .invalid: break
        }
    }
}
