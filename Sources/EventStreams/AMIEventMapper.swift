import CDRParsing
import CallModel

/// Turns Asterisk Manager events into call events (protocols.md §2.3), with the call ids the
/// Asterisk CDR file gives the same call, so a call seen in both is counted once: the linkedid
/// (`Linkedid`, or a `LinkedID` added to `Event: Cdr` through cdr_manager's `[mappings]`), else the
/// uniqueid. Events carry ``CallModel/EventSource/asteriskCSV`` for the same reason: the source
/// names the call-id space (the deduplicator keys calls by source and call id).
///
/// - `Newchannel` of a call's first channel (`Uniqueid` = `Linkedid`) → `started`;
/// - `DialBegin` of that channel → `ringing`; `DialEnd` with `DialStatus: ANSWER` → `answered`;
/// - `Hangup` of that channel → terminal: answered when the channel was `Up`, else from the Q.850
///   `Cause` (17 busy, 21 rejected, 34/38/41/42/44 congestion, 1/3/28 failed, others no answer);
/// - `Cdr` (cdr_manager) → the record the CSV file would hold, decoded by the Asterisk CSV decoder
///   (so times are read in the configured zone and dispositions mean the same).
///
/// The event time is the `Timestamp` header (`timestampevents=yes` in manager.conf), else the time
/// of receipt. Deliberately not handled: the other channels of a call (B legs, Local channels:
/// their events are skipped), `NewCallerid` updates, and events of other classes.
struct AMIEventMapper {
    private let plan: NumberPlan
    /// Receipt time, for events without a `Timestamp` of their own.
    private let clock: WallClock
    private var cdrDecoder: CDRLineDecoder

    init(configuration: CDRDecoderConfiguration, clock: WallClock) {
        self.plan = configuration.plan
        self.clock = clock
        var cdrConfiguration = configuration
        cdrConfiguration.asteriskColumns = .auto
        self.cdrDecoder = CDRLineDecoder(format: .asteriskCSV, configuration: cdrConfiguration)
    }

    enum Outcome {
        case event(CallEvent)
        /// Not a call event (another event, another leg, a response).
        case ignored
        /// A call event that could not be read.
        case malformed(String)
    }

    mutating func map(_ message: HeaderBlock) -> Outcome {
        guard let name = message["Event"] else { return .ignored }
        switch name.lowercased() {
        case "newchannel": return channelEvent(message, phase: .started)
        case "dialbegin": return channelEvent(message, phase: .ringing)
        case "dialend":
            guard message["DialStatus"]?.uppercased() == "ANSWER" else { return .ignored }
            return channelEvent(message, phase: .answered)
        case "hangup": return hangup(message)
        case "cdr": return cdr(message)
        default: return .ignored
        }
    }

    private func firstChannelCallID(_ message: HeaderBlock) -> String? {
        guard let unique = message["Uniqueid"], !unique.isEmpty else { return nil }
        let linked = message["Linkedid"] ?? ""
        if !linked.isEmpty, linked != unique { return nil }
        return unique
    }

    private func channelEvent(_ message: HeaderBlock, phase: CallPhase, disposition: Disposition? = nil) -> Outcome {
        guard let callID = firstChannelCallID(message) else { return .ignored }
        return .event(
            CallEvent(
                time: time(of: message), callID: callID, source: .asteriskCSV, phase: phase,
                disposition: disposition, caller: caller(message), callee: CalledParty(raw: message["Exten"] ?? "", plan: plan)))
    }

    private func caller(_ message: HeaderBlock) -> CallerIdentity {
        let number = Self.known(message["CallerIDNum"])
        let name = Self.known(message["CallerIDName"])
        return CallerIdentity(raw: number, displayName: name.isEmpty ? nil : name, plan: plan)
    }

    private func hangup(_ message: HeaderBlock) -> Outcome {
        let disposition: Disposition
        if message["ChannelStateDesc"]?.lowercased() == "up" || message["ChannelState"] == "6" {
            disposition = .answered
        } else {
            switch Int(message["Cause"] ?? "") ?? 0 {
            case 17: disposition = .busy
            case 21: disposition = .rejected
            case 34, 38, 41, 42, 44: disposition = .congestion
            case 1, 3, 28: disposition = .failed
            default: disposition = .noAnswer
            }
        }
        return channelEvent(message, phase: disposition.terminalPhase, disposition: disposition)
    }

    /// `Event: Cdr` as the `Master.csv` line cdr_csv would write: 18 columns (uniqueid and
    /// userfield), or 21 when a `LinkedID` is mapped, every value quoted with `"` doubled.
    private mutating func cdr(_ message: HeaderBlock) -> Outcome {
        var values = [
            "AccountCode", "Source", "Destination", "DestinationContext", "CallerID", "Channel", "DestinationChannel",
            "LastApplication", "LastData", "StartTime", "AnswerTime", "EndTime", "Duration", "BillableSeconds",
            "Disposition", "AMAFlags", "UniqueID", "UserField",
        ].map { message[$0] ?? "" }
        if let linked = message["LinkedID"], !linked.isEmpty { values += ["", linked, "0"] }
        let line = values.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }.joined(separator: ",")
        do {
            guard let event = try cdrDecoder.decode(line) else { return .ignored }
            return .event(event)
        } catch {
            return .malformed("Cdr: \(error)")
        }
    }

    /// `<unknown>` (Asterisk's word for an absent caller id) and nil become "".
    private static func known(_ value: String?) -> String {
        guard let value, value != "<unknown>" else { return "" }
        return value
    }

    /// `Timestamp: 1705321822.123456`, else now.
    func time(of message: HeaderBlock) -> Timestamp {
        guard let text = message["Timestamp"], let time = EpochTime.parse(seconds: text) else { return clock.now() }
        return time
    }
}
