import CallModel

/// The `number-hopping` rule's state: per called extension, when it was first called, its short or
/// unanswered calls from never-seen numbers within the window, hourly counts of such calls for the
/// baseline, and the open episode; plus the organisation-wide set of recently seen numbers.
///
/// A call is looked at when it ends (its talk time is known then). Every identified call that ends
/// is recorded in the seen set, so "never-seen" means no earlier call of that number ended within the
/// memory. Service extensions keep no state. Extensions whose newest call is older than the baseline
/// period plus the window are swept, and then also forget their first call (their history restarts).
struct NumberHoppingRule: Sendable {
    private struct HourCount: Sendable {
        var hour: Int32
        var count: Int32
    }

    private struct State: Sendable {
        var target: String
        var firstSeen: Int64
        var calls: RecentCalls<UInt64>
        var hourly: [HourCount] = []
        var episode: Episode?
    }

    private static let hour: Int64 = 3_600_000_000

    private let distinctNumbers: Int
    private let window: Int64
    private let shortCallMaximum: Int64
    private let baselineFactor: Int
    private let baselinePeriod: Int64
    private let minimumHistory: Int64
    private let rememberedCalls: Int
    private let listedCallers: Int
    private let stepUpCalls: Int
    private let maxCallIDs: Int
    private let serviceExtensions: Set<TargetKey>
    private var table: RecencyTable<TargetKey, State>
    private var seenNumbers: GenerationalNumberSet

    init(configuration: DetectionConfiguration, stepUpFactor: Int) {
        let settings = configuration.numberHopping
        self.distinctNumbers = max(1, settings.distinctNumbers)
        self.window = max(1, settings.window.microseconds)
        self.shortCallMaximum = settings.shortCallMaximum.microseconds
        self.baselineFactor = max(1, settings.baselineFactor)
        self.baselinePeriod = max(0, settings.baselinePeriod.microseconds)
        self.minimumHistory = max(0, settings.minimumHistory.microseconds)
        self.rememberedCalls = max(self.distinctNumbers, settings.maximumRememberedCalls)
        self.listedCallers = max(1, settings.maximumListedCallers)
        self.stepUpCalls = distinctNumbers * max(1, stepUpFactor)
        self.maxCallIDs = max(1, configuration.maxCallIDsPerDetection)
        self.serviceExtensions = Set(settings.serviceExtensions.map(TargetKey.init))
        self.table = RecencyTable(capacity: configuration.maxTrackedKeys)
        self.seenNumbers = GenerationalNumberSet(
            capacity: settings.newNumberCapacity, memory: settings.newNumberMemory.microseconds
        )
    }

    var trackedKeys: Int { table.count }
    var rememberedNumbers: Int { seenNumbers.count }

    /// Whether a call with this outcome is "short or unanswered": talk time at most the maximum
    /// (zero when unanswered); without a talk time, any disposition but `answered`.
    func isShortOrUnanswered(_ event: CallEvent) -> Bool {
        if let talkTime = event.talkTime { return talkTime.microseconds <= shortCallMaximum }
        if let disposition = event.disposition { return disposition != .answered }
        return event.phase != .ended
    }

    /// Notes any external call to `targetKey` (for its history) and, for an identified call that
    /// ended, runs the rule.
    mutating func observe(
        _ event: CallEvent, targetKey: TargetKey, time: Int64, number: E164Number?, customers: Set<UInt64>,
        escalation: inout EscalationLadder
    ) -> Detection? {
        guard event.isTerminal, let number else {
            if !serviceExtensions.contains(targetKey) { noteCall(to: targetKey, target: event.callee.key, at: time) }
            return nil
        }
        let wasSeen = seenNumbers.checkAndRecord(number.value, at: time)
        guard !serviceExtensions.contains(targetKey) else { return nil }
        let slot = noteCall(to: targetKey, target: event.callee.key, at: time)
        guard !wasSeen, isShortOrUnanswered(event) else { return nil }

        return table.update(slot) { state in
            guard !state.calls.calls.contains(where: { $0.detail == number.value }) else { return nil }
            state.calls.insert(.init(time: time, callID: event.callID, detail: number.value), capacity: rememberedCalls)
            let now = state.calls.newestTime ?? time
            state.calls.removeCalls(before: now &- window)
            if let episode = state.episode, episode.isOver(at: now, window: window) { state.episode = nil }
            Self.countHour(of: time, in: &state.hourly, keepingFrom: now &- baselinePeriod &- window)
            let baseline = Self.baseline(
                in: state.hourly, windowStart: now &- window, periodStart: now &- baselinePeriod
            )

            let inWindow = state.calls.calls(from: now &- window, through: now)
            let hasHistory = now &- state.firstSeen >= minimumHistory
            let qualifies = hasHistory && inWindow.count >= distinctNumbers
                && inWindow.count >= baselineFactor * baseline
            guard qualifies else { return nil }
            if state.episode != nil {
                state.episode!.addCaller(number, limit: listedCallers)
                if customers.contains(number.value) { state.episode!.substitute = .review }
                state.episode!.extend(time: time, callID: event.callID, escalation: &escalation)
                return state.episode!.detection
            }
            let callers = inWindow.compactMap { E164Number(value: $0.detail) }.sorted().prefix(listedCallers)
            let episode = Episode(
                kind: .numberHopping, caller: nil, callers: Array(callers), target: state.target, calls: inWindow,
                offender: .hoppingTarget(targetKey),
                substitute: inWindow.contains { customers.contains($0.detail) } ? .review : .none,
                stepUpCalls: stepUpCalls, maxCallIDs: maxCallIDs, escalation: &escalation
            )
            state.episode = episode
            return episode.detection
        }
    }

    /// Drops extensions quiet for longer than the baseline period plus the window, and rotates the
    /// seen-number generations.
    mutating func sweep(now: Int64) {
        let cutoff = now &- baselinePeriod &- window
        table.removeStale(before: cutoff)
        seenNumbers.rotate(at: now)
    }

    @discardableResult
    private mutating func noteCall(to targetKey: TargetKey, target: String, at time: Int64) -> Int {
        let slot = table.slot(for: targetKey, seenAt: time) {
            State(target: target, firstSeen: time, calls: RecentCalls(reserving: 0))
        }
        table.update(slot) { state in
            if time < state.firstSeen { state.firstSeen = time }
        }
        return slot
    }

    /// Counts one call in its clock hour and drops hours before `keepFrom`.
    private static func countHour(of time: Int64, in hourly: inout [HourCount], keepingFrom keepFrom: Int64) {
        let hour = Int32(truncatingIfNeeded: floorDivide(time, Self.hour))
        if let index = hourly.lastIndex(where: { $0.hour == hour }) {
            hourly[index].count += 1
        } else {
            let index = hourly.firstIndex { $0.hour > hour } ?? hourly.endIndex
            hourly.insert(HourCount(hour: hour, count: 1), at: index)
        }
        let oldestHour = floorDivide(keepFrom, Self.hour)
        let keep = hourly.firstIndex { Int64($0.hour) >= oldestHour } ?? hourly.endIndex
        if keep > 0 { hourly.removeFirst(keep) }
    }

    /// The baseline: the highest hourly count among whole clock hours that ended by `windowStart` and
    /// started at or after `periodStart`.
    private static func baseline(in hourly: [HourCount], windowStart: Int64, periodStart: Int64) -> Int {
        let lastHour = floorDivide(windowStart, Self.hour) - 1
        let firstHour = floorDivide(periodStart &+ Self.hour &- 1, Self.hour)
        var highest = 0
        for entry in hourly where Int64(entry.hour) >= firstHour && Int64(entry.hour) <= lastHour {
            highest = max(highest, Int(entry.count))
        }
        return highest
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
