import CallModel

enum Fixtures {
    static let plan = NumberPlan.unitedKingdom
    static let start = Timestamp(secondsSinceEpoch: 1_768_208_400)  // 2026-01-12 09:00:00Z

    static func event(
        _ caller: String, to callee: String = "1010", at minutes: Int64, id: String? = nil,
        source: EventSource = .asteriskCSV, phase: CallPhase = .ended, talk: Int64 = 60
    ) -> CallEvent {
        let time = start + .minutes(minutes)
        return CallEvent(
            time: time + .seconds(talk + 5), callID: id ?? "\(caller)-\(minutes)", source: source, phase: phase,
            disposition: phase == .ended ? .answered : .noAnswer, callStart: time, duration: .seconds(talk + 5),
            talkTime: .seconds(talk), caller: CallerIdentity(raw: caller, plan: plan),
            callee: CalledParty(raw: callee, plan: plan))
    }

    static func detection(
        _ kind: DetectionKind, caller: String? = "+447700900123", callers: [String] = [], target: String = "1010",
        action: ResponseAction, calls: Int = 5
    ) -> Detection {
        let number = caller.flatMap { E164Number(e164: $0) }
        return Detection(
            kind: kind, caller: number, callers: callers.isEmpty ? number.map { [$0] } ?? [] : callers.compactMap { E164Number(e164: $0) },
            target: target, calls: calls, first: start, last: start + .minutes(20), action: action,
            actionExpires: action == .block || action == .redirect ? start + .hours(24) : nil)
    }
}
