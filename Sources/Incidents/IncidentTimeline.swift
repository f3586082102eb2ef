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

/// One call of an incident as the PBX reported it: numbers as received and as normalised.
package struct TimelineCall: Hashable, Sendable {
    package var callID: String
    package var source: EventSource
    /// When the call started (the counted time).
    package var start: Timestamp
    package var disposition: Disposition?
    package var duration: TimeSpan?
    package var talkTime: TimeSpan?
    /// The caller as received, normalised, asserted, and whether presentation was restricted.
    package var caller: CallerIdentity
    /// The called party as received and as keyed.
    package var callee: CalledParty

    package init(
        callID: String, source: EventSource, start: Timestamp, disposition: Disposition?, duration: TimeSpan?,
        talkTime: TimeSpan?, caller: CallerIdentity, callee: CalledParty
    ) {
        self.callID = callID
        self.source = source
        self.start = start
        self.disposition = disposition
        self.duration = duration
        self.talkTime = talkTime
        self.caller = caller
        self.callee = callee
    }

    /// The call's last stored event as a timeline call.
    package init(event: CallEvent) {
        self.init(
            callID: event.callID, source: event.source, start: event.countedTime, disposition: event.disposition,
            duration: event.duration, talkTime: event.talkTime, caller: event.caller, callee: event.callee)
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
