import CallModel
import HarassmentDetection

/// Builders for synthetic call events. Numbers come from Ofcom's drama ranges, which are never
/// assigned to anyone; only the million-caller memory test needs more than those hold, and it uses
/// the ITU-reserved spare country code +999 (never assigned either).
enum Calls {
    /// 2024-01-15 09:00:00 UTC, a Monday.
    static let start = Timestamp(secondsSinceEpoch: 1_705_309_200)

    /// +44 7700 900nnn.
    static func mobile(_ n: Int) -> E164Number { E164Number(value: 447_700_900_000 + UInt64(n))! }
    /// +44 20 7946 0nnn.
    static func london(_ n: Int) -> E164Number { E164Number(value: 442_079_460_000 + UInt64(n))! }
    /// +44 113 496 0nnn.
    static func leeds(_ n: Int) -> E164Number { E164Number(value: 441_134_960_000 + UInt64(n))! }
    /// +999 1nnnnnnn: the reserved spare code, for tests that need more numbers than the drama ranges.
    static func spare(_ n: Int) -> E164Number { E164Number(value: 999_100_000_000 + UInt64(n))! }

    /// A CDR record (new and terminal at once) of a call from `caller` that started `offset` after
    /// ``start``; `talk` zero means unanswered.
    static func cdr(
        from caller: E164Number, to callee: String = "1001", at offset: TimeSpan, talk: TimeSpan = .seconds(90),
        id: String? = nil
    ) -> CallEvent {
        record(CallerIdentity(raw: caller.description, number: caller), to: callee, at: offset, talk: talk, id: id)
    }

    /// A CDR record of a withheld call without an asserted identity.
    static func withheld(to callee: String = "1001", at offset: TimeSpan, id: String? = nil) -> CallEvent {
        let caller = CallerIdentity(raw: "anonymous", presentationRestricted: true)
        return record(caller, to: callee, at: offset, talk: .seconds(20), id: id)
    }

    static func record(_ caller: CallerIdentity, to callee: String, at offset: TimeSpan, talk: TimeSpan, id: String?)
        -> CallEvent
    {
        let began = start + offset
        let disposition: Disposition = talk.microseconds > 0 ? .answered : .noAnswer
        let ringing = TimeSpan.seconds(8)
        return CallEvent(
            time: began + ringing + talk,
            callID: id ?? "call-\(caller.raw)-\(callee)-\(began.microsecondsSinceEpoch)",
            source: .asteriskCSV, phase: disposition.terminalPhase, disposition: disposition,
            callStart: began, duration: ringing + talk, talkTime: talk,
            caller: caller, callee: CalledParty(raw: callee, key: callee)
        )
    }

    /// Calls from `caller` at each of `minutes` after ``start`` (plus `day` days).
    static func burst(from caller: E164Number, to callee: String = "1001", day: Int64 = 0, minutes: [Int64])
        -> [CallEvent]
    {
        minutes.map { cdr(from: caller, to: callee, at: .days(day) + .minutes($0)) }
    }
}

extension TimeSpan {
    static func + (lhs: Self, rhs: Self) -> Self { Self(microseconds: lhs.microseconds + rhs.microseconds) }
}

extension HarassmentDetector {
    /// Observes CDR events (each new and terminal) and returns every detection they produced, in order.
    mutating func feed(_ events: [CallEvent]) -> [Detection] {
        events.flatMap { observe($0, isNewCall: true) }
    }
}

extension DetectionConfiguration {
    /// The defaults with changes applied.
    static func with(_ change: (inout DetectionConfiguration) -> Void) -> DetectionConfiguration {
        var configuration = DetectionConfiguration()
        change(&configuration)
        return configuration
    }
}
