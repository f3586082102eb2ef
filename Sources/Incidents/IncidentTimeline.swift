package import CallModel

/// Everything known about one incident in time order: the calls, detections, decisions taken
/// (block/redirect rules), MCID flags, recordings, status changes and notes. What the evidence
/// export and `callwarden incidents show` print.
///
/// Numbers are complete here: the timeline is for security staff and the police, never for a log.
package struct IncidentTimeline: Hashable, Sendable {
    package var incident: Incident
    package var calls: [TimelineCall]
    package var detections: [Detection]
    package var decisions: [TimelineDecision]
    package var flags: [MCIDFlag]
    package var recordings: [RecordingEvidence]
    /// Status changes and notes, oldest first.
    package var log: [IncidentLogEntry]

    package init(
        incident: Incident, calls: [TimelineCall] = [], detections: [Detection] = [],
        decisions: [TimelineDecision] = [], flags: [MCIDFlag] = [], recordings: [RecordingEvidence] = [],
        log: [IncidentLogEntry] = []
    ) {
        self.incident = incident
        self.calls = calls
        self.detections = detections
        self.decisions = decisions
        self.flags = flags
        self.recordings = recordings
        self.log = log
    }

    /// One merged, time-ordered list of what happened, for reading top to bottom. The log's
    /// `mcid` entries are left out: the flags themselves stand in the list.
    package var entries: [TimelineEntry] {
        var entries: [TimelineEntry] = []
        entries += calls.map { .call($0) }
        entries += detections.map { .detection($0) }
        entries += decisions.map { .decision($0) }
        entries += flags.map { .flag($0) }
        entries += recordings.map { .recording($0) }
        entries += log.filter { $0.action != "mcid" }.map { .log($0) }
        return entries.enumerated().sorted { lhs, rhs in
            lhs.element.time == rhs.element.time ? lhs.offset < rhs.offset : lhs.element.time < rhs.element.time
        }.map(\.element)
    }
}

/// One line of the merged timeline.
package enum TimelineEntry: Hashable, Sendable {
    case call(TimelineCall)
    case detection(Detection)
    case decision(TimelineDecision)
    case flag(MCIDFlag)
    case recording(RecordingEvidence)
    case log(IncidentLogEntry)

    /// When it happened: a call's start, a detection's first call, a rule's creation, a flag's,
    /// recording's or log entry's time.
    package var time: Timestamp {
        switch self {
        case .call(let call): call.start
        case .detection(let detection): detection.first
        case .decision(let decision): decision.time
        case .flag(let flag): flag.flaggedAt
        case .recording(let recording): recording.recordedAt ?? recording.linkedAt
        case .log(let entry): entry.time
        }
    }
}

/// One call of an incident: the union of what its witnesses reported (the decision question,
/// the SIP dialog, the CDR, pushed events — every event stored under its call id), with numbers
/// as received and as normalised.
package struct TimelineCall: Hashable, Sendable {
    package var callID: String
    /// The source of the call's first witness.
    package var source: EventSource
    /// When the call started (the counted time of its first witness).
    package var start: Timestamp
    /// How the call ended: a CDR's when one reported it, else the last terminal event's.
    package var disposition: Disposition?
    package var duration: TimeSpan?
    package var talkTime: TimeSpan?
    /// The caller as received, normalised, asserted, and whether presentation was restricted:
    /// the first witness's, with what it lacked (number, asserted identity, name) from later ones.
    package var caller: CallerIdentity
    /// The called party as received and as keyed.
    package var callee: CalledParty
    /// What Callwarden answered the PBX, when a decision question witnessed the call.
    package var decision: CallDecision?
    /// Every stored event of the call, in the order they were stored.
    package var witnesses: [CallWitnessRecord]

    package init(
        callID: String, source: EventSource, start: Timestamp, disposition: Disposition?, duration: TimeSpan?,
        talkTime: TimeSpan?, caller: CallerIdentity, callee: CalledParty, decision: CallDecision? = nil,
        witnesses: [CallWitnessRecord] = []
    ) {
        self.callID = callID
        self.source = source
        self.start = start
        self.disposition = disposition
        self.duration = duration
        self.talkTime = talkTime
        self.caller = caller
        self.callee = callee
        self.decision = decision
        self.witnesses = witnesses
    }

    /// One stored event as a timeline call (a call with one witness).
    package init(event: CallEvent) {
        self.init(
            callID: event.callID, source: event.source, start: event.countedTime, disposition: event.disposition,
            duration: event.duration, talkTime: event.talkTime, caller: event.caller, callee: event.callee,
            decision: event.decision, witnesses: [CallWitnessRecord(event)])
    }

    /// The merged call of `events`, every stored event of one call id in storing order; nil for none.
    /// The calls of `events` (every stored witness, grouped by call id: a call's events next to
    /// each other), each merged from its witnesses, in call order (ties in the order the calls came).
    package static func calls(mergingGroupsOf events: [CallEvent]) -> [TimelineCall] {
        var calls: [(call: TimelineCall, order: Int)] = []
        var start = events.startIndex
        while start < events.endIndex {
            var end = start + 1
            while end < events.endIndex, events[end].callID == events[start].callID { end += 1 }
            if let call = TimelineCall(merging: events[start..<end]) { calls.append((call, calls.count)) }
            start = end
        }
        return calls.sorted { $0.call.start == $1.call.start ? $0.order < $1.order : $0.call.start < $1.call.start }.map(\.call)
    }

    package init?(merging events: some Collection<CallEvent>) {
        guard let first = events.first else { return nil }
        self.init(event: first)
        for event in events.dropFirst() { merge(event) }
    }

    /// A call the decision service blocked: on record although it never rang.
    package var wasBlocked: Bool { decision?.action == .block }

    /// Adds one more witness: fills what the call did not know yet, keeps a CDR's ending over
    /// another source's, and lists the witness.
    package mutating func merge(_ event: CallEvent) {
        witnesses.append(CallWitnessRecord(event))
        if caller.number == nil, let number = event.caller.number { caller.number = number }
        if caller.assertedIdentity == nil, let asserted = event.caller.assertedIdentity {
            caller.assertedIdentity = asserted
        }
        if caller.displayName == nil, let name = event.caller.displayName { caller.displayName = name }
        if event.caller.presentationRestricted { caller.presentationRestricted = true }
        if decision == nil, let answered = event.decision { decision = answered }
        guard event.isTerminal else { return }
        let hadCDREnding = witnesses.dropLast().contains { $0.isTerminal && $0.source.isCDR }
        if !hadCDREnding || event.source.isCDR {
            disposition = event.disposition ?? disposition
            duration = event.duration ?? duration
            talkTime = event.talkTime ?? talkTime
        }
    }
}

/// One witness of a call: which source reported which phase, and when.
package struct CallWitnessRecord: Hashable, Sendable {
    package var source: EventSource
    package var phase: CallPhase
    package var time: Timestamp
    package var disposition: Disposition?

    package init(_ event: CallEvent) {
        self.source = event.source
        self.phase = event.phase
        self.time = event.time
        self.disposition = event.disposition
    }

    package var isTerminal: Bool { phase.isTerminal }
}

extension EventSource {
    /// A call detail record (Asterisk, FreeSWITCH, Callwarden JSON lines): its disposition and
    /// durations are the PBX's own account of the call.
    package var isCDR: Bool {
        switch self {
        case .asteriskCSV, .freeswitchCSV, .jsonLines: true
        case .sip, .decisionRequest: false
        }
    }
}

/// A decision taken about the incident's callers: a block or redirect rule, automatic or manual.
package struct TimelineDecision: Hashable, Sendable {
    package var ruleID: Int64
    package var time: Timestamp
    /// `block +447700900123`, `redirect unidentified → +442079460999 (to 1001)`.
    package var summary: String
    package var createdBy: String
    package var reason: String
    package var expiresAt: Timestamp?

    package init(ruleID: Int64, time: Timestamp, summary: String, createdBy: String, reason: String, expiresAt: Timestamp?) {
        self.ruleID = ruleID
        self.time = time
        self.summary = summary
        self.createdBy = createdBy
        self.reason = reason
        self.expiresAt = expiresAt
    }
}

/// A status change, a note or another audited action on an incident.
package struct IncidentLogEntry: Hashable, Sendable {
    package var time: Timestamp
    package var actor: String
    /// `opened`, `acknowledged`, `reported`, `closed`, `note`, `mcid`, `recording`.
    package var action: String
    package var note: String

    package init(time: Timestamp, actor: String, action: String, note: String) {
        self.time = time
        self.actor = actor
        self.action = action
        self.note = note
    }
}
