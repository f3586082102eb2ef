import CallModel
import Incidents
import Testing

@Suite("Incident kinds, lifecycle, grouping and the alert policy")
struct IncidentModelTests {
    static let caller = E164Number(e164: "+447700900123")!
    static let other = E164Number(e164: "+447700900456")!

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    static func detection(_ kind: DetectionKind, action: ResponseAction = .alert, last: Int64 = 600) -> Detection {
        Detection(
            kind: kind, caller: kind == .anonymous || kind == .numberHopping ? nil : caller,
            callers: kind == .numberHopping ? [caller, other] : [], target: "1001", calls: 5, first: time(0),
            last: time(last), action: action)
    }

    @Test("a bomb threat is the most severe kind; detections map onto kinds")
    func severities() {
        #expect(IncidentKind.allCases.allSatisfy { $0 == .bombThreat || $0.severity < IncidentKind.bombThreat.severity })
        #expect(IncidentKind.threat.severity == .high)
        #expect(IncidentKind.suicideThreat.severity == .high)
        #expect(IncidentKind(detection: .repeatCaller) == .harassment)
        #expect(IncidentKind(detection: .numberHopping) == .numberHopping)
        #expect(!IncidentKind.suicideThreat.mayBlock)
    }

    @Test("statuses only move forward; the words people type are understood")
    func lifecycle() {
        #expect(IncidentStatus.open.canMove(to: .acknowledged))
        #expect(IncidentStatus.open.canMove(to: .closed))
        #expect(IncidentStatus.acknowledged.canMove(to: .reported))
        #expect(!IncidentStatus.reported.canMove(to: .acknowledged))
        #expect(!IncidentStatus.closed.canMove(to: .closed))
        #expect(IncidentStatus(word: "police") == .reported)
        #expect(IncidentStatus(word: "ACK") == .acknowledged)
        #expect(IncidentStatus(word: "reopen") == nil)
        #expect(IncidentStatus.reported.label == "reported to police")
    }

    @Test("one incident per harasser and target, per anonymous target, per hopping cluster")
    func grouping() {
        #expect(IncidentKey(detection: Self.detection(.repeatCaller)) == IncidentKey(kind: .harassment, identity: "+447700900123", target: "1001"))
        #expect(IncidentKey(detection: Self.detection(.anonymous)).identity == IncidentKey.unidentified)
        var hopping = Self.detection(.numberHopping)
        let before = IncidentKey(detection: hopping)
        hopping.callers.append(E164Number(e164: "+441134960999")!)
        #expect(IncidentKey(detection: hopping) == before)
        let withheld = CallerIdentity(raw: "anonymous", assertedIdentity: Self.caller, presentationRestricted: true)
        #expect(IncidentKey(kind: .threat, caller: withheld, target: "1001").identity == "+447700900123")
        #expect(IncidentKey(kind: .threat, caller: nil, target: "1001").identity == "unidentified")
    }

    @Test("watch stays silent, the first alert opens, a higher action escalates at once, updates are rate-limited")
    func alertPolicy() {
        let policy = AlertPolicy(minimumAction: .alert, minimumUpdateInterval: .minutes(15))
        #expect(policy.event(for: Self.detection(.repeatCaller, action: .watch), after: IncidentAlertState()) == .none)
        #expect(policy.event(for: Self.detection(.repeatCaller), after: IncidentAlertState()) == .raise(.opened))
        let alerted = IncidentAlertState(highestAction: .alert, lastDetectionAlert: Self.time(600))
        #expect(policy.event(for: Self.detection(.repeatCaller, last: 1_000), after: alerted) == .suppressed)
        #expect(policy.event(for: Self.detection(.repeatCaller, action: .block, last: 700), after: alerted) == .raise(.escalated))
        #expect(policy.event(for: Self.detection(.repeatCaller, last: 1_500), after: alerted) == .raise(.updated))
        #expect(policy.event(for: Self.detection(.repeatCaller, action: .watch, last: 9_000), after: alerted) == .none)
    }

    @Test("MCID requests name the field that is wrong")
    func mcidProblems() {
        func problem(_ request: MCIDRequest) -> String? {
            if case .invalidField(let field, _) = request.problem() { return field }
            return nil
        }
        let base = MCIDRequest(call: .callID("1700000600.12"), kind: .threat, actor: "ext:1001", time: Self.time(0))
        #expect(base.problem() == nil)
        var request = base
        request.call = .callID("")
        #expect(problem(request) == "call_id")
        request = base
        request.call = .lastCall(toExtension: "1001", within: .days(2))
        #expect(problem(request) == "within")
        request = base
        request.actor = "  "
        #expect(problem(request) == "by")
        request = base
        request.sipHeaders = Array(repeating: SIPHeaderField(name: "X", value: "y"), count: 40)
        #expect(problem(request) == "sip_headers")
        request = base
        request.kind = .suicideThreat
        request.addBlock = true
        #expect(problem(request) == "block")
        request = base
        request.addBlock = true
        request.addRedirect = true
        #expect(problem(request) == "redirect")
    }
}
