import CDRParsing
import CallModel

/// Turns FreeSWITCH channel events (inbound event socket, `event plain`) into call events with the
/// call id the FreeSWITCH CDR file gives the same call: the channel's `Unique-ID` (the a-leg's
/// uuid). Events carry ``CallModel/EventSource/freeswitchCSV`` because the source names the
/// call-id space (see ``AMIEventMapper``).
///
/// - `CHANNEL_CREATE` → `started`, `CHANNEL_ANSWER` → `answered`;
/// - `CHANNEL_HANGUP_COMPLETE` → terminal, with start, duration and talk time from the caller
///   profile's `Caller-Channel-Created/Answered/Hangup-Time` (microseconds) and the disposition
///   from `Hangup-Cause` read as the CSV decoder reads it.
///
/// The caller is `Caller-Caller-ID-Number` (name `Caller-Caller-ID-Name`), with
/// `variable_sip_P-Asserted-Identity` as the asserted identity when it is a number; the callee is
/// `Caller-Destination-Number`; the time is `Event-Date-Timestamp`. Deliberately not handled:
/// channels FreeSWITCH originated itself (`Call-Direction: outbound`, the b-legs; skipped, as the
/// CDR file's a-leg records skip them) and every other event.
struct ESLEventMapper {
    private let plan: NumberPlan
    /// Receipt time, for events without an `Event-Date-Timestamp`.
    private let clock: WallClock

    init(configuration: CDRDecoderConfiguration, clock: WallClock) {
        self.plan = configuration.plan
        self.clock = clock
    }

    enum Outcome {
        case event(CallEvent)
        case ignored
        case malformed(String)
    }

    func map(_ event: HeaderBlock) -> Outcome {
        guard let name = event["Event-Name"] else { return .ignored }
        if event["Call-Direction"]?.lowercased() == "outbound" { return .ignored }
        let phase: CallPhase
        switch name {
        case "CHANNEL_CREATE": phase = .started
        case "CHANNEL_ANSWER": phase = .answered
        case "CHANNEL_HANGUP_COMPLETE": phase = .ended
        default: return .ignored
        }
        guard let callID = event["Unique-ID"], !callID.isEmpty else { return .malformed("\(name) without Unique-ID") }
        let time = EpochTime.parse(microseconds: event["Event-Date-Timestamp"]) ?? clock.now()
        var call = CallEvent(
            time: time, callID: callID, source: .freeswitchCSV, phase: phase,
            caller: caller(event), callee: CalledParty(raw: event["Caller-Destination-Number"] ?? "", plan: plan))
        if phase == .ended {
            let created = EpochTime.parse(microseconds: event["Caller-Channel-Created-Time"])
            let answered = EpochTime.parse(microseconds: event["Caller-Channel-Answered-Time"])
            let hungUp = EpochTime.parse(microseconds: event["Caller-Channel-Hangup-Time"]) ?? time
            let disposition = Self.disposition(cause: event["Hangup-Cause"] ?? "", answered: answered != nil)
            call.phase = disposition.terminalPhase
            call.disposition = disposition
            call.callStart = created
            if let created, hungUp >= created { call.duration = hungUp - created }
            if let answered, hungUp >= answered {
                call.talkTime = hungUp - answered
            } else {
                call.talkTime = .seconds(0)
            }
        }
        return .event(call)
    }

    private func caller(_ event: HeaderBlock) -> CallerIdentity {
        let name = event["Caller-Caller-ID-Name"] ?? ""
        var identity = CallerIdentity(
            raw: event["Caller-Caller-ID-Number"] ?? "", displayName: name.isEmpty ? nil : name, plan: plan)
        if let asserted = event["variable_sip_P-Asserted-Identity"], case .e164(let number) = plan.normalise(Self.uri(asserted)) {
            identity.assertedIdentity = number
        }
        return identity
    }

    /// `"Name" <sip:+44...@host>` → `sip:+44...@host`.
    private static func uri(_ header: String) -> String {
        guard let open = header.firstIndex(of: "<"), let close = header[open...].firstIndex(of: ">") else { return header }
        return String(header[header.index(after: open)..<close])
    }

    /// The hangup cause names as the FreeSWITCH CSV decoder maps them.
    static func disposition(cause: String, answered: Bool) -> Disposition {
        switch cause {
        case "NORMAL_CLEARING": answered ? .answered : .failed
        case "ORIGINATOR_CANCEL": .cancelled
        case "NO_ANSWER", "NO_USER_RESPONSE": .noAnswer
        case "USER_BUSY": .busy
        case "CALL_REJECTED": .rejected
        case "NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION": .congestion
        default: answered ? .answered : .failed
        }
    }
}
