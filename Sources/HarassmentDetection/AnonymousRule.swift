import CallModel

/// The `anonymous` rule's state: per called extension, its last `threshold` unidentified calls and
/// the open episode. The offender is the extension (the callers cannot be told apart), and a `block`
/// step becomes `redirect` to the crisis line. Keys whose newest call is older than the window are
/// swept.
struct AnonymousRule: Sendable {
    private struct State: Sendable {
        var target: String
        var calls: RecentCalls<Void>
        var episode: Episode?
    }

    private let threshold: Int
    private let window: Int64
    private let stepUpCalls: Int
    private let maxCallIDs: Int
    private var table: RecencyTable<TargetKey, State>

    init(configuration: DetectionConfiguration, stepUpFactor: Int) {
        self.threshold = max(1, configuration.anonymous.threshold)
        self.window = max(1, configuration.anonymous.window.microseconds)
        self.stepUpCalls = threshold * max(1, stepUpFactor)
        self.maxCallIDs = max(1, configuration.maxCallIDsPerDetection)
        self.table = RecencyTable(capacity: configuration.maxTrackedKeys)
    }

    var trackedKeys: Int { table.count }

    mutating func observe(
        targetKey: TargetKey, target: String, time: Int64, callID: String, escalation: inout EscalationLadder
    ) -> Detection? {
        let threshold = threshold
        let slot = table.slot(for: targetKey, seenAt: time) {
            State(target: target, calls: RecentCalls(reserving: threshold), episode: nil)
        }
        return table.update(slot) { state in
            state.calls.insert(.init(time: time, callID: callID, detail: ()), capacity: threshold)
            let now = state.calls.newestTime ?? time
            if let episode = state.episode, episode.isOver(at: now, window: window) { state.episode = nil }
            let inWindow = state.calls.calls(from: now &- window, through: now)
            guard inWindow.count >= threshold else { return nil }
            if state.episode != nil {
                state.episode!.extend(time: time, callID: callID, escalation: &escalation)
                return state.episode!.detection
            }
            let episode = Episode(
                kind: .anonymous, caller: nil, callers: [], target: state.target, calls: inWindow,
                offender: .anonymousTarget(targetKey), substitute: .redirect,
                stepUpCalls: stepUpCalls, maxCallIDs: maxCallIDs, escalation: &escalation
            )
            state.episode = episode
            return episode.detection
        }
    }

    /// Drops extensions whose newest unidentified call is before `now` minus the window.
    mutating func sweep(now: Int64) {
        let cutoff = now &- window
        table.removeStale(before: cutoff)
    }
}
