package import CallModel

/// Every identity a SIP request states about its caller and callee (protocols.md §6.3), read but
/// not yet weighed. ``SIPCallerResolver`` chooses among them.
///
/// Deliberately not read: P-Charge-Info and P-Asserted-Service (billing, informational), Referred-By
/// (transfers), and the Identity header's certificate (`info=`), which verification would need.
package struct SIPIdentity: Hashable, Sendable {
    /// From: set by the calling UA, never trusted, still the key for "anonymous" and spoofing.
    package var from: SIPParty?
    package var to: SIPParty?
    /// The Request-URI (requests only): where the request is being routed now.
    package var requestURI: SIPParty?
    /// P-Asserted-Identity entries in order (RFC 3325: at most one sip/sips and one tel URI).
    package var assertedIdentities: [SIPParty] = []
    /// P-Preferred-Identity entries: what the UA asks its first proxy to assert; not an assertion.
    package var preferredIdentities: [SIPParty] = []
    package var privacy: SIPPrivacy = []
    /// Remote-Party-ID entries in order.
    package var remoteParties: [SIPRemoteParty] = []
    /// Diversion entries, most recent redirection first.
    package var diversions: [SIPDiversion] = []
    /// History-Info entries in the order written.
    package var history: [SIPHistoryEntry] = []
    /// The claims of a SHAKEN PASSporT in an Identity header (signature NOT verified).
    package var passport: PASSporTClaims?

    package init() {}
}

/// Reads ``SIPIdentity`` from a message, normalising every number with one deployment's plan.
///
/// Entries that do not parse (a P-Asserted-Identity without a URI) are skipped, not errors: one
/// bad optional header must not lose the call.
package struct SIPIdentityReader: Sendable {
    package var plan: NumberPlan

    package init(plan: NumberPlan) { self.plan = plan }

    /// Reads all identity headers of `message`.
    package func read(_ message: SIPMessage) -> SIPIdentity {
        let bytes = message.bytes.span
        var identity = SIPIdentity()
        if let from = message.from { identity.from = SIPParty(bytes, from, plan: plan) }
        if let to = message.to { identity.to = SIPParty(bytes, to, plan: plan) }
        if let uri = message.requestURI {
            identity.requestURI = SIPParty(bytes, uri: uri, displayName: nil, plan: plan)
        }
        identity.privacy = SIPPrivacy(message)
        for field in message.headers {
            switch field.name {
            case .pAssertedIdentity:
                forEachAddress(bytes, field) { identity.assertedIdentities.append(SIPParty(bytes, $0, plan: plan)) }
            case .pPreferredIdentity:
                forEachAddress(bytes, field) { identity.preferredIdentities.append(SIPParty(bytes, $0, plan: plan)) }
            case .remotePartyID:
                forEachAddress(bytes, field) { identity.remoteParties.append(remoteParty(bytes, $0)) }
            case .diversion:
                forEachAddress(bytes, field) { identity.diversions.append(diversion(bytes, $0)) }
            case .historyInfo:
                forEachAddress(bytes, field) { identity.history.append(historyEntry(bytes, $0)) }
            default:
                continue
            }
        }
        if message.first(.identity) != nil { identity.passport = PASSporTClaims(message) }
        return identity
    }

    private func forEachAddress(_ bytes: Span<UInt8>, _ field: SIPHeaderField, _ body: (SIPNameAddress) -> Void) {
        SIPValueList.forEachElement(bytes, field.value) { element in
            if let address = SIPNameAddress(bytes, element) { body(address) }
        }
    }

    private func remoteParty(_ bytes: Span<UInt8>, _ address: SIPNameAddress) -> SIPRemoteParty {
        let role: SIPRemoteParty.Role =
            address.parameter(bytes, "party")?.value.map { bytes.equalsIgnoringCase($0, "called") } == true
            ? .called : .calling
        let screened = address.parameter(bytes, "screen")?.value.map { bytes.equalsIgnoringCase($0, "yes") } == true
        var privacy = SIPRemoteParty.Privacy.off
        if let value = address.parameter(bytes, "privacy")?.value {
            if bytes.equalsIgnoringCase(value, "full") || bytes.equalsIgnoringCase(value, "uri") {
                privacy = .uri
            } else if bytes.equalsIgnoringCase(value, "name") {
                privacy = .name
            }
        }
        return SIPRemoteParty(
            party: SIPParty(bytes, address, plan: plan), role: role, screened: screened, privacy: privacy)
    }

    private func diversion(_ bytes: Span<UInt8>, _ address: SIPNameAddress) -> SIPDiversion {
        SIPDiversion(
            party: SIPParty(bytes, address, plan: plan),
            reason: address.parameter(bytes, "reason")?.value.map { bytes.string($0) },
            counter: address.parameter(bytes, "counter")?.value.flatMap { bytes.decimalValue($0, maximum: 1_000_000) })
    }

    private func historyEntry(_ bytes: Span<UInt8>, _ address: SIPNameAddress) -> SIPHistoryEntry {
        SIPHistoryEntry(
            party: SIPParty(bytes, address, plan: plan),
            index: address.parameter(bytes, "index")?.value.map { bytes.string($0) },
            cause: address.uri.parameter(bytes, "cause")?.value.flatMap { bytes.decimalValue($0, maximum: 699) })
    }
}
