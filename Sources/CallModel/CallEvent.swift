/// One thing a PBX or the network told us about one call, normalised.
///
/// A CDR line becomes one event in phase ``CallPhase/ended``, ``CallPhase/failed`` or
/// ``CallPhase/cancelled`` with ``callStart``, ``duration`` and ``talkTime`` filled in; a SIP
/// dialog or an event stream produce one event per phase.
package struct CallEvent: Hashable, Sendable {
    /// When this event happened (event time, not processing time).
    package var time: Timestamp
    /// The call's identifier at its source: SIP Call-ID, Asterisk linkedid/uniqueid, FreeSWITCH uuid.
    package var callID: String
    /// Which kind of input the event came from.
    package var source: EventSource
    package var phase: CallPhase
    /// How the call ended, for terminal phases.
    package var disposition: Disposition?
    /// When the call started (INVITE / CDR start), when known. Detection counts calls at this time.
    package var callStart: Timestamp?
    /// From start to end, when known.
    package var duration: TimeSpan?
    /// From answer to end (billsec), when known; zero for an unanswered call.
    package var talkTime: TimeSpan?
    package var caller: CallerIdentity
    package var callee: CalledParty
    /// What Callwarden answered the PBX, on the decision question's event (source
    /// ``EventSource/decisionRequest``): the call's other witnesses do not know it. A `block` on
    /// a call no other source reports is an attempt that never rang.
    package var decision: CallDecision?

    package init(
        time: Timestamp,
        callID: String,
        source: EventSource,
        phase: CallPhase,
        disposition: Disposition? = nil,
        callStart: Timestamp? = nil,
        duration: TimeSpan? = nil,
        talkTime: TimeSpan? = nil,
        caller: CallerIdentity,
        callee: CalledParty,
        decision: CallDecision? = nil
    ) {
        self.time = time
        self.callID = callID
        self.source = source
        self.phase = phase
        self.disposition = disposition
        self.callStart = callStart
        self.duration = duration
        self.talkTime = talkTime
        self.caller = caller
        self.callee = callee
        self.decision = decision
    }

    /// The time the call is counted at: its start when known, the event time otherwise.
    package var countedTime: Timestamp { callStart ?? time }

    /// Whether this event starts a call for counting purposes: the first event a source gives for
    /// a call (`started`, or a CDR's terminal record, which stands for the whole call).
    package var isTerminal: Bool { phase.isTerminal }
}

/// The kind of input an event came from.
package enum EventSource: String, Hashable, Sendable, CaseIterable, Codable {
    case asteriskCSV = "asterisk-csv"
    case freeswitchCSV = "freeswitch-csv"
    case jsonLines = "jsonl"
    case sip
    case decisionRequest = "decision"
}

/// Where a call is in its life.
package enum CallPhase: String, Hashable, Sendable, CaseIterable, Codable {
    case started, ringing, answered, ended, failed, cancelled

    package var isTerminal: Bool { self == .ended || self == .failed || self == .cancelled }
}

/// How a call ended.
package enum Disposition: String, Hashable, Sendable, CaseIterable, Codable {
    case answered
    case noAnswer = "no-answer"
    case busy
    case failed
    case congestion
    case cancelled
    case rejected
    case unknown

    /// The phase a terminal event with this disposition is in.
    package var terminalPhase: CallPhase {
        switch self {
        case .answered: .ended
        case .cancelled: .cancelled
        case .noAnswer, .busy, .failed, .congestion, .rejected, .unknown: .failed
        }
    }
}
