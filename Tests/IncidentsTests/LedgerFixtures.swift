import CallModel
import Incidents

/// Synthetic values for the ledger tests: numbers from the Ofcom drama ranges only.
enum Ledger {
    static let caller = E164Number(e164: "+447700900123")!
    static let other = E164Number(e164: "+447700900456")!
    static let leeds = E164Number(e164: "+441134960999")!

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    static let ledger = IncidentLedger(policy: AlertPolicy(minimumAction: .alert, minimumUpdateInterval: .minutes(15)))

    static func detection(
        _ kind: DetectionKind = .repeatCaller, calls: Int = 5, first: Int64 = 0, last: Int64 = 600,
        action: ResponseAction = .alert, target: String = "1001"
    ) -> Detection {
        let withoutCaller = kind == .anonymous || kind == .numberHopping
        return Detection(
            kind: kind, caller: withoutCaller ? nil : caller, callers: kind == .numberHopping ? [caller, other] : [],
            target: target, calls: calls, first: time(first), last: time(last), action: action, offence: 1,
            callIDs: (0..<calls).map { "call-\($0)" })
    }

    /// An unclosed incident as a store would read it.
    static func state(
        id: Int64 = 7, key: IncidentKey = IncidentKey(kind: .harassment, identity: "+447700900123", target: "1001"),
        severity: IncidentSeverity? = nil, status: IncidentStatus = .open, openedAt: Int64 = 0, updatedAt: Int64 = 600,
        alerts: IncidentAlertState = IncidentAlertState()
    ) -> IncidentState {
        IncidentState(
            id: id, key: key, severity: severity ?? key.kind.severity, status: status, openedAt: time(openedAt),
            updatedAt: time(updatedAt), alerts: alerts)
    }

    /// A withheld caller whose network-asserted identity is known, to extension 1001.
    static func withheldCall(callID: String = "1700000100.7") -> CallEvent {
        CallEvent(
            time: time(130), callID: callID, source: .asteriskCSV, phase: .ended, disposition: .answered,
            callStart: time(100), duration: .seconds(30), talkTime: .seconds(25),
            caller: CallerIdentity(raw: "anonymous", assertedIdentity: caller, presentationRestricted: true),
            callee: CalledParty(raw: "1001", key: "1001"))
    }

    /// A caller with no identity at all, to extension 1001.
    static func unidentifiedCall(callID: String = "1700000200.9") -> CallEvent {
        var event = withheldCall(callID: callID)
        event.caller = CallerIdentity(raw: "anonymous", presentationRestricted: true)
        return event
    }

    /// The state a store would read after executing `plan` on `state` (nil: no incident yet); a new
    /// incident gets `newID`. Only what the ledger reads back is kept.
    static func applying(_ plan: IncidentPlan, to state: IncidentState?, newID: Int64 = 7) -> IncidentState {
        var next: IncidentState
        switch plan.incident {
        case .open(let new):
            next = IncidentState(
                id: newID, key: new.key, severity: new.severity, status: .open, openedAt: new.openedAt,
                updatedAt: new.updatedAt)
        case .update(_, let status, let updatedAt):
            next = state!
            next.status = status
            next.updatedAt = updatedAt
        case .keep:
            next = state!
        }
        if let alerts = plan.alertState { next.alerts = alerts }
        return next
    }
}
