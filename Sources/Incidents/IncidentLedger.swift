package import CallModel

/// The incident rules, apart from any store: from one change that comes in (a detection, a status
/// change, a note, an MCID flag) and the state a store read for it, the ``IncidentPlan`` of what to
/// write — the incident opened or touched, the calls linked, the log entries, the alert with its
/// text, or the refusal with its reason. The store reads the state, asks the ledger, and executes
/// the plan in the change's one transaction; another store would do the same with the same rules.
///
/// The rules:
/// - grouping: a detection goes to the unclosed incident with its ``IncidentKey/init(detection:)``
///   (harasser and target, anonymous callers per target, a hopping cluster per target); an MCID
///   flag to the one with ``FlaggedCall/key``; when there is none (or it was closed) a new one
///   opens, with the kind's severity and an `opened` log entry;
/// - a detection episode counts once per incident; its calls are linked to the incident;
/// - detection alerts follow the ``policy`` (threshold, escalation at once, rate-limited updates);
///   MCID flags, status changes and closing always alert;
/// - statuses only move forward; closing needs a note and ends the alert;
/// - an MCID flag may add a block (never for a suicide threat, never for a caller without a number)
///   or a redirect to the crisis line.
///
/// Pure: no I/O and no clock (every time comes with the change); the outbox gives each alert its
/// idempotency key and processing time when it writes it.
package struct IncidentLedger: Hashable, Sendable {
    package var policy: AlertPolicy

    package init(policy: AlertPolicy = AlertPolicy()) {
        self.policy = policy
    }

    // MARK: - Detections

    /// The writes for a detection episode, inserted or updated.
    ///
    /// - Parameters:
    ///   - openIncident: The unclosed incident with `IncidentKey(detection: detection)`, or nil.
    ///   - episodeIncidentID: The incident the episode was stored with before, or nil for a new episode.
    package func plan(_ detection: Detection, openIncident: IncidentState?, episodeIncidentID: Int64?) -> IncidentPlan {
        let subject = Subject(
            openIncident, key: IncidentKey(detection: detection), openedAt: detection.first, updatedAt: detection.last,
            actor: "detection", note: AlertText.openedByDetection(detection.kind))
        var plan = IncidentPlan(
            incident: subject.write, countsDetection: subject.id == nil || subject.id != episodeIncidentID,
            log: subject.log, links: detection.callIDs, linkedAt: detection.last)
        switch policy.event(for: detection, after: subject.alerts) {
        case .none:
            break
        case .suppressed:
            plan.suppressesAlert = true
        case .raise(let event):
            plan.alertState = IncidentAlertState(
                highestAction: max(subject.alerts.highestAction ?? detection.action, detection.action),
                lastDetectionAlert: detection.last)
            plan.alert = subject.alert(event, detail: AlertText.detection(detection))
        }
        return plan
    }

    // MARK: - People's changes

    /// The writes for moving an incident forward: the status, its log entry and its alert
    /// (`status-changed`, or `resolved` when closing).
    ///
    /// - Parameter incident: The incident with `change.incidentID`, or nil when there is none.
    /// - Throws: ``IncidentChangeError/notFound(_:)``, or ``IncidentChangeError/invalidTransition(from:to:)``
    ///   for a move that is not forward.
    package func plan(_ change: StatusChange, incident: IncidentState?) throws(IncidentChangeError) -> IncidentPlan {
        guard let incident else { throw .notFound(change.incidentID) }
        guard incident.status.canMove(to: change.status) else {
            throw .invalidTransition(from: incident.status, to: change.status)
        }
        var changed = Subject(incident)
        changed.status = change.status
        let closing = change.status == .closed
        return IncidentPlan(
            incident: .update(id: incident.id, status: change.status, updatedAt: max(incident.updatedAt, change.time)),
            log: [IncidentLogEntry(time: change.time, actor: change.actor, action: change.status.rawValue, note: change.note)],
            linkedAt: change.time,
            alert: changed.alert(
                closing ? .resolved : .statusChanged, detail: AlertText.statusChange(to: change.status, by: change.actor),
                endsAt: closing ? change.time : nil))
    }

    /// The writes for a note: one log entry, no alert (people's notes never go into alerts).
    ///
    /// - Throws: ``IncidentChangeError/notFound(_:)`` when `incident` is nil.
    package func plan(_ note: IncidentNote, incident: IncidentState?) throws(IncidentChangeError) -> IncidentPlan {
        guard let incident else { throw .notFound(note.incidentID) }
        return IncidentPlan(
            incident: .keep(id: incident.id),
            log: [IncidentLogEntry(time: note.time, actor: note.actor, action: "note", note: note.note)],
            linkedAt: note.time)
    }

    // MARK: - MCID flags

    /// Checks a flag before anything is read: the request's fields, and a redirect needs a crisis line.
    ///
    /// - Throws: ``IncidentChangeError/invalidField(_:reason:)``.
    package static func check(_ request: MCIDRequest, crisisLine: String?) throws(IncidentChangeError) {
        if let problem = request.problem() { throw problem }
        if request.addRedirect && (crisisLine ?? "").isEmpty {
            throw .invalidField("redirect", reason: "needs response.crisis_line in the configuration")
        }
    }

    /// The writes for an MCID flag: the incident opened or joined, the call linked, the `mcid` log
    /// entry, the block or redirect asked for, and the `flagged` alert, which is never rate-limited.
    ///
    /// - Parameters:
    ///   - call: The flagged call as the store found it (or not).
    ///   - openIncident: The unclosed incident with `call.key`, or nil.
    /// - Throws: ``IncidentChangeError/invalidField(_:reason:)`` for what ``check(_:crisisLine:)``
    ///   refuses, and for a block of a caller without a number (withheld, no asserted identity).
    package func plan(
        _ request: MCIDRequest, call: FlaggedCall, crisisLine: String?, openIncident: IncidentState?
    ) throws(IncidentChangeError) -> IncidentPlan {
        try Self.check(request, crisisLine: crisisLine)
        let actor = request.actor.trimmingSpaces
        let rule = try Self.rule(for: request, caller: call.event?.caller, target: call.target, crisisLine: crisisLine)
        let subject = Subject(
            openIncident, key: call.key, openedAt: request.time, updatedAt: request.time, actor: actor,
            note: AlertText.openedByFlag(request.kind))
        let note = request.note.isEmpty ? AlertText.flagNote(request.kind) : request.note
        let detail = AlertText.flag(
            request.kind, by: actor, callStored: call.event != nil,
            withheld: call.event?.caller.presentationRestricted == true, rule: rule?.action)
        return IncidentPlan(
            incident: subject.write,
            log: subject.log + [IncidentLogEntry(time: request.time, actor: actor, action: "mcid", note: note)],
            links: [call.callID], linkedAt: request.time,
            rule: rule.map { RuleAddition(rule: $0, actor: actor) },
            alert: subject.alert(.flagged, detail: detail))
    }

    /// The block or redirect rule a flag asks for, or nil. A redirect of a caller without a number
    /// redirects every unidentified caller to the flagged extension (to the whole organisation when
    /// the target is not known).
    static func rule(
        for request: MCIDRequest, caller: CallerIdentity?, target: String, crisisLine: String?
    ) throws(IncidentChangeError) -> Rule? {
        guard request.addBlock || request.addRedirect else { return nil }
        let number = caller?.countedNumber
        let expiresAt = request.ruleDuration.map { request.time + $0 }
        let reason = "MCID \(request.kind.rawValue) flagged by \(request.actor.trimmingSpaces)"
        if request.addBlock {
            guard let number else {
                throw .invalidField(
                    "block", reason: "cannot block a caller without a number (withheld, no asserted identity): use redirect")
            }
            return Rule(
                match: .number(number), action: .block, reason: reason, createdBy: request.actor,
                createdAt: request.time, expiresAt: expiresAt, origin: .manual)
        }
        guard let crisisLine else { return nil }
        let match: RuleMatch = number.map { .number($0) } ?? .unidentified
        let scope: String? = number == nil && target != "*" ? target : nil
        return Rule(
            match: match, scope: scope, action: .redirect(to: crisisLine), reason: reason, createdBy: request.actor,
            createdAt: request.time, expiresAt: expiresAt, origin: .manual)
    }
}

/// The incident a change goes to, as it will be after the incident row is written.
private struct Subject {
    /// Nil for an incident this change opens.
    var id: Int64?
    var key: IncidentKey
    var severity: IncidentSeverity
    var status: IncidentStatus
    var openedAt: Timestamp
    var alerts: IncidentAlertState
    var write: IncidentWrite
    /// The `opened` entry of an incident this change opens.
    var log: [IncidentLogEntry]

    /// The existing incident, unchanged.
    init(_ incident: IncidentState) {
        self.init(
            id: incident.id, key: incident.key, severity: incident.severity, status: incident.status,
            openedAt: incident.openedAt, alerts: incident.alerts, write: .keep(id: incident.id), log: [])
    }

    /// The unclosed incident touched (its latest change moved forward to `updatedAt`), or a new
    /// one with `key` opened at `openedAt`, its `opened` entry by `actor` with `note`.
    init(
        _ openIncident: IncidentState?, key: IncidentKey, openedAt: Timestamp, updatedAt: Timestamp, actor: String,
        note: String
    ) {
        if let openIncident {
            self.init(openIncident)
            write = .update(
                id: openIncident.id, status: openIncident.status, updatedAt: max(openIncident.updatedAt, updatedAt))
        } else {
            self.init(
                id: nil, key: key, severity: key.kind.severity, status: .open, openedAt: openedAt,
                alerts: IncidentAlertState(),
                write: .open(
                    NewIncident(
                        key: key, severity: key.kind.severity, openedAt: openedAt, updatedAt: max(openedAt, updatedAt))),
                log: [IncidentLogEntry(time: openedAt, actor: actor, action: "opened", note: note)])
        }
    }

    init(
        id: Int64?, key: IncidentKey, severity: IncidentSeverity, status: IncidentStatus, openedAt: Timestamp,
        alerts: IncidentAlertState, write: IncidentWrite, log: [IncidentLogEntry]
    ) {
        self.id = id
        self.key = key
        self.severity = severity
        self.status = status
        self.openedAt = openedAt
        self.alerts = alerts
        self.write = write
        self.log = log
    }

    func alert(_ event: AlertEvent, detail: String, endsAt: Timestamp? = nil) -> AlertDraft {
        AlertDraft(
            event: event, kind: key.kind, severity: severity, status: status, identity: key.identity,
            target: key.target, detail: detail, startsAt: openedAt, endsAt: endsAt)
    }
}
