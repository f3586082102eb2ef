package import CallModel

/// A person flags a call as malicious (Malicious Call Identification): by its call id, or as "the
/// last call to this extension within the last N minutes" (what a feature code dialled right after
/// the call gives the PBX).
///
/// The flag captures the call's full identity as stored (asserted identity of a withheld caller
/// included) plus what the PBX passes along (source address, SIP headers), opens or joins an
/// incident of ``kind`` and raises its alert at once. With ``addBlock`` the caller's number is
/// blocked (not for a suicide threat); with ``addRedirect`` the caller is redirected to the crisis
/// line (an unidentified caller: all unidentified callers to that extension).
///
/// Deliberately not handled: talking to the network's MCID service (ISUP IDR/IRS, SIP INFO with
/// `application/vnd.etsi.mcid+xml`): the operator's registration is the network's business; this
/// is the organisation's own record.
package struct MCIDRequest: Hashable, Sendable {
    package var call: MCIDCallSelector
    package var kind: IncidentKind
    /// Who flags (`api:alice`, `cli:bob`, `pbx:feature-code`).
    package var actor: String
    package var note: String
    /// Processing time of the flag.
    package var time: Timestamp
    /// The caller's source address (IP:port) as the PBX saw it, when it tells.
    package var sourceAddress: String?
    /// SIP headers of the call as the PBX saw them (`P-Asserted-Identity`, `From`, `Privacy`, ...).
    package var sipHeaders: [SIPHeaderField]
    /// Add the caller's number to the block list in the same step.
    package var addBlock: Bool
    /// Redirect the caller to the crisis line in the same step.
    package var addRedirect: Bool
    /// How long a block or redirect added here lasts; nil: until removed.
    package var ruleDuration: TimeSpan?
    /// For ``MCIDCallSelector/lastCall(toExtension:within:)``: take the latest of several calls
    /// that reached the extension in the window (a feature code dialled right after the call), or
    /// refuse with ``MCIDAmbiguousCall`` listing them (a person at the CLI or the API, who must then
    /// name the call).
    package var latestOfSeveral: Bool

    package init(
        call: MCIDCallSelector, kind: IncidentKind, actor: String, note: String = "", time: Timestamp,
        sourceAddress: String? = nil, sipHeaders: [SIPHeaderField] = [], addBlock: Bool = false,
        addRedirect: Bool = false, ruleDuration: TimeSpan? = nil, latestOfSeveral: Bool = true
    ) {
        self.latestOfSeveral = latestOfSeveral
        self.call = call
        self.kind = kind
        self.actor = actor
        self.note = note
        self.time = time
        self.sourceAddress = sourceAddress
        self.sipHeaders = sipHeaders
        self.addBlock = addBlock
        self.addRedirect = addRedirect
        self.ruleDuration = ruleDuration
    }

    /// At most this many SIP headers are kept, each name ≤ 64 and value ≤ 1,024 characters.
    package static let maximumHeaders = 32

    /// The first problem with the request, naming the field, or nil when it can be stored.
    package func problem() -> IncidentChangeError? {
        switch call {
        case .callID(let id):
            if id.isEmpty || id.utf8.count > 256 { return .invalidField("call_id", reason: "must be 1–256 bytes") }
        case .lastCall(let callee, let within):
            if callee.isEmpty || callee.utf8.count > 64 { return .invalidField("extension", reason: "must be 1–64 bytes") }
            if within.microseconds <= 0 || within > .hours(24) {
                return .invalidField("within", reason: "must be between 1 second and 24 hours")
            }
        }
        if actor.trimmingSpaces.isEmpty || actor.count > 200 { return .invalidField("by", reason: "must be 1–200 characters") }
        if note.count > IncidentChangeError.maximumTextLength {
            return .invalidField("note", reason: "is longer than \(IncidentChangeError.maximumTextLength) characters")
        }
        if let sourceAddress, sourceAddress.isEmpty || sourceAddress.utf8.count > 128 {
            return .invalidField("source_address", reason: "must be 1–128 bytes")
        }
        if sipHeaders.count > Self.maximumHeaders {
            return .invalidField("sip_headers", reason: "has more than \(Self.maximumHeaders) headers")
        }
        for header in sipHeaders where header.name.isEmpty || header.name.utf8.count > 64 || header.value.utf8.count > 1_024 {
            return .invalidField("sip_headers", reason: "has a header whose name is not 1–64 bytes or whose value is over 1,024 bytes")
        }
        if addBlock && !kind.mayBlock {
            return .invalidField("block", reason: "is not allowed for a \(kind.rawValue) (never block; redirect to the crisis line instead)")
        }
        if addBlock && addRedirect { return .invalidField("redirect", reason: "cannot be combined with block") }
        return nil
    }
}

/// Which call an MCID flag is about.
package enum MCIDCallSelector: Hashable, Sendable {
    /// The call with this id (SIP Call-ID, Asterisk uniqueid or linkedid).
    case callID(String)
    /// The last call to this extension (or callee key) that started within `within` before the
    /// flag and actually reached it (rang or was answered there): a rejected attempt, or one whose
    /// only record is the decision question, is never picked. Deliberately not handled: a redirect
    /// the PBX records as answered at the original extension (until the decision and the CDR are
    /// one call, it looks like a call that reached it).
    case lastCall(toExtension: String, within: TimeSpan)

    /// The id of the call this selector names for a flag raised at `time`, asking `reached` for
    /// the calls that reached an extension between two times (newest first, as a store finds them);
    /// nil when no call did. Every store decides the same way: the latest of several, or
    /// ``MCIDAmbiguousCall`` when the request does not take the latest.
    package func callID(
        at time: Timestamp, latestOfSeveral: Bool,
        reached: (_ callee: String, _ from: Timestamp, _ to: Timestamp) throws -> [MCIDCandidate]
    ) throws -> String? {
        switch self {
        case .callID(let id):
            return id
        case .lastCall(let callee, let within):
            let candidates = try reached(callee, time - within, time)
            guard let latest = candidates.first else { return nil }
            if candidates.count > 1 && !latestOfSeveral { throw MCIDAmbiguousCall(candidates: candidates) }
            return latest.callID
        }
    }
}

/// A call that reached the extension an MCID flag named, offered when several did.
package struct MCIDCandidate: Hashable, Sendable {
    package var callID: String
    package var start: Timestamp
    package var caller: CallerIdentity
    package var disposition: Disposition?

    package init(callID: String, start: Timestamp, caller: CallerIdentity, disposition: Disposition?) {
        self.callID = callID
        self.start = start
        self.caller = caller
        self.disposition = disposition
    }
}

/// Several calls reached the extension in the window and the request did not ask for the latest:
/// nothing was flagged; the person must name one (`--call-id`, `call_id`).
package struct MCIDAmbiguousCall: Error, Hashable, Sendable, CustomStringConvertible {
    /// Newest first.
    package var candidates: [MCIDCandidate]

    package init(candidates: [MCIDCandidate]) { self.candidates = candidates }

    package var description: String { "\(candidates.count) calls reached the extension in the window; name one by its call id" }
}

/// A flag withdrawn because it named the wrong call: who, when, why. The flag stays on record.
package struct MCIDWithdrawal: Hashable, Sendable {
    package var flagID: Int64
    package var actor: String
    package var reason: String
    package var time: Timestamp

    package init(flagID: Int64, actor: String, reason: String, time: Timestamp) {
        self.flagID = flagID
        self.actor = actor
        self.reason = reason
        self.time = time
    }
}

/// One SIP header as the PBX passed it on.
package struct SIPHeaderField: Hashable, Sendable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A stored MCID flag: the request and the identity of the call it captured.
package struct MCIDFlag: Hashable, Sendable {
    package var id: Int64
    package var incidentID: Int64
    package var kind: IncidentKind
    package var callID: String
    /// The flagged call's stored identity; nil when the call was not (yet) in the store.
    package var call: TimelineCall?
    package var flaggedAt: Timestamp
    package var flaggedBy: String
    package var note: String
    package var sourceAddress: String?
    package var sipHeaders: [SIPHeaderField]
    /// Set when the flag was withdrawn (it named the wrong call).
    package var withdrawal: MCIDWithdrawal?

    package init(
        id: Int64, incidentID: Int64, kind: IncidentKind, callID: String, call: TimelineCall?, flaggedAt: Timestamp,
        flaggedBy: String, note: String, sourceAddress: String?, sipHeaders: [SIPHeaderField], withdrawal: MCIDWithdrawal? = nil
    ) {
        self.withdrawal = withdrawal
        self.id = id
        self.incidentID = incidentID
        self.kind = kind
        self.callID = callID
        self.call = call
        self.flaggedAt = flaggedAt
        self.flaggedBy = flaggedBy
        self.note = note
        self.sourceAddress = sourceAddress
        self.sipHeaders = sipHeaders
    }
}

/// What an MCID flag did.
package struct MCIDOutcome: Hashable, Sendable {
    package var flag: MCIDFlag
    package var incident: Incident
    /// True when the flag opened the incident; false when it joined an unclosed one.
    package var openedIncident: Bool
    /// Rules added in the same step (block or redirect).
    package var ruleIDs: [Int64]
    /// The idempotency key of the alert raised.
    package var alertKey: String

    package init(flag: MCIDFlag, incident: Incident, openedIncident: Bool, ruleIDs: [Int64], alertKey: String) {
        self.flag = flag
        self.incident = incident
        self.openedIncident = openedIncident
        self.ruleIDs = ruleIDs
        self.alertKey = alertKey
    }
}

/// What every store writes for a withdrawal, decided once: the checks on its fields, the refusals,
/// the note in the incident's log and the audit entry's fields (the store writes them in one
/// transaction with the withdrawal row).
extension MCIDWithdrawal {
    /// The withdrawal with its actor and reason trimmed; refused when either is empty (`reason` first).
    package func checked() throws(IncidentChangeError) -> MCIDWithdrawal {
        var checked = self
        checked.reason = reason.trimmingSpaces
        checked.actor = actor.trimmingSpaces
        guard !checked.reason.isEmpty else { throw IncidentChangeError.invalidField("reason", reason: "must not be empty") }
        guard !checked.actor.isEmpty else { throw IncidentChangeError.invalidField("by", reason: "must not be empty") }
        return checked
    }

    /// The refusal when no flag has this withdrawal's id.
    package var noSuchFlag: IncidentChangeError { .invalidField("flag", reason: "no MCID flag with id \(flagID)") }
    /// The refusal when the flag was withdrawn before (the first withdrawal stands).
    package var withdrawnAlready: IncidentChangeError { .invalidField("flag", reason: "MCID flag \(flagID) was withdrawn already") }

    /// The note the flag's incident gets in its log.
    package func note(incidentID: Int64) throws(IncidentChangeError) -> IncidentNote {
        try IncidentNote(incidentID: incidentID, actor: actor, note: "MCID flag \(flagID) withdrawn (wrong call): \(reason)", at: time)
    }

    /// The audit entry's action, subject and detail (its actor and time are the withdrawal's).
    package var audit: (action: String, subject: String, detail: String) { ("mcid.withdraw", "mcid flag \(flagID)", reason) }
}
