import CallModel

/// One open detection episode and what its escalation needs: who the offender is, which ladder step
/// it is on, and whether it already stepped up.
///
/// An episode opens at the crossing with every call in the window counted, takes one more call for
/// each later qualifying call, steps up once when its calls reach the step-up count, and is over when
/// no qualifying call came for one window length (``isOver(at:window:)``). ``Detection/first`` never
/// moves after opening, so ``Detection/episodeKey`` stays the same across updates.
struct Episode: Sendable {
    private(set) var detection: Detection
    let offender: OffenderKey
    var substitute: BlockSubstitute
    private var step: EscalationLadder.Step
    private var hasSteppedUp = false
    private let stepUpCalls: Int
    private let maxCallIDs: Int

    /// Opens an episode on `calls` (the window's calls, oldest first), recording the offence.
    init<Detail>(
        kind: DetectionKind, caller: E164Number?, callers: [E164Number], target: String,
        calls: ArraySlice<RecentCalls<Detail>.Call>, offender: OffenderKey, substitute: BlockSubstitute,
        stepUpCalls: Int, maxCallIDs: Int, escalation: inout EscalationLadder
    ) {
        let openedAt = calls.last?.time ?? 0
        let (offence, step) = escalation.openEpisode(of: offender, at: openedAt, substitute: substitute)
        self.detection = Detection(
            kind: kind, caller: caller, callers: callers, target: target, calls: calls.count,
            first: Timestamp(microsecondsSinceEpoch: calls.first?.time ?? openedAt),
            last: Timestamp(microsecondsSinceEpoch: openedAt),
            action: step.action, actionExpires: step.expires, offence: offence,
            callIDs: calls.suffix(maxCallIDs).map(\.callID)
        )
        self.offender = offender
        self.substitute = substitute
        self.step = step
        self.stepUpCalls = stepUpCalls
        self.maxCallIDs = maxCallIDs
        stepUpIfDue(at: openedAt, escalation: &escalation)
    }

    /// Whether the episode ended: no qualifying call within `window` before `time`.
    func isOver(at time: Int64, window: Int64) -> Bool {
        time - detection.last.microsecondsSinceEpoch > window
    }

    /// Adds one qualifying call and steps up when due.
    mutating func extend(time: Int64, callID: String, escalation: inout EscalationLadder) {
        detection.calls += 1
        if time > detection.last.microsecondsSinceEpoch {
            detection.last = Timestamp(microsecondsSinceEpoch: time)
        }
        if detection.callIDs.count >= maxCallIDs {
            detection.callIDs.removeFirst(detection.callIDs.count - maxCallIDs + 1)
        }
        detection.callIDs.append(callID)
        stepUpIfDue(at: time, escalation: &escalation)
    }

    /// Adds a number to ``Detection/callers`` (number-hopping), kept sorted, at most `limit` listed.
    mutating func addCaller(_ number: E164Number, limit: Int) {
        guard detection.callers.count < limit, !detection.callers.contains(number) else { return }
        let index = detection.callers.firstIndex { number < $0 } ?? detection.callers.endIndex
        detection.callers.insert(number, at: index)
    }

    private mutating func stepUpIfDue(at time: Int64, escalation: inout EscalationLadder) {
        guard !hasSteppedUp, detection.calls >= stepUpCalls else { return }
        hasSteppedUp = true
        guard let next = escalation.stepUp(of: offender, from: step, at: time, substitute: substitute) else { return }
        step = next
        detection.action = next.action
        detection.actionExpires = next.expires
    }
}
