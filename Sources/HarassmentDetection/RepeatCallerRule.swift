import CallModel

/// The `repeat-caller` rule's state: per identity, its last `threshold` calls (time, call id and the
/// extension called) and its open episode.
///
/// Only the last `threshold` calls are needed for an exact test: the window holds at least
/// `threshold` calls exactly when the `threshold`-th newest call is inside it. Keys whose newest call
/// is older than the window are swept (their episode is over by then).
struct RepeatCallerRule: Sendable {
    private struct State: Sendable {
        var calls: RecentCalls<String>
        var episode: Episode?
    }

    /// What one call did to the rule.
    struct Outcome {
        /// The episode's detection when the call opened or extended it.
        var detection: Detection?
        /// Whether the call came while the identity's episode is open (then it is no stalking evidence).
        var isInEpisode = false
        /// When the call opened an episode: the earlier calls of the burst, for the stalking rule to
        /// forget.
        var burst: ArraySlice<RecentCalls<String>.Call> = []
    }

    private let threshold: Int
    private let window: Int64
    private let stepUpCalls: Int
    private let maxCallIDs: Int
    private var table: RecencyTable<UInt64, State>

    init(configuration: DetectionConfiguration, stepUpFactor: Int) {
        self.threshold = max(1, configuration.repeatCaller.threshold)
        self.window = max(1, configuration.repeatCaller.window.microseconds)
        self.stepUpCalls = threshold * max(1, stepUpFactor)
        self.maxCallIDs = max(1, configuration.maxCallIDsPerDetection)
        self.table = RecencyTable(capacity: configuration.maxTrackedKeys)
    }

    var trackedKeys: Int { table.count }

    mutating func observe(
        identity: E164Number, target: String, time: Int64, callID: String, isCustomer: Bool,
        escalation: inout EscalationLadder
    ) -> Outcome {
        let threshold = threshold
        let slot = table.slot(for: identity.value, seenAt: time) {
            State(calls: RecentCalls(reserving: threshold), episode: nil)
        }
        return table.update(slot) { state in
            state.calls.insert(.init(time: time, callID: callID, detail: target), capacity: threshold)
            let now = state.calls.newestTime ?? time
            if let episode = state.episode, episode.isOver(at: now, window: window) { state.episode = nil }
            let inWindow = state.calls.calls(from: now &- window, through: now)
            // A call while an episode is still open is part of that burst even when it does not extend it.
            guard inWindow.count >= threshold else { return Outcome(isInEpisode: state.episode != nil) }
            if state.episode != nil {
                state.episode!.extend(time: time, callID: callID, escalation: &escalation)
                return Outcome(detection: state.episode!.detection, isInEpisode: true)
            }
            let episode = Episode(
                kind: .repeatCaller, caller: identity, callers: [identity], target: Self.mostCalled(in: inWindow),
                calls: inWindow, offender: .identity(identity.value), substitute: isCustomer ? .review : .none,
                stepUpCalls: stepUpCalls, maxCallIDs: maxCallIDs, escalation: &escalation
            )
            state.episode = episode
            return Outcome(detection: episode.detection, isInEpisode: true, burst: inWindow)
        }
    }

    /// Forgets `identity`'s calls and open episode.
    mutating func forget(identity: UInt64) {
        table.remove(identity)
    }

    /// Drops identities whose newest call is before `cutoff` minus the window.
    mutating func sweep(now: Int64) {
        let cutoff = now &- window
        table.removeStale(before: cutoff)
    }

    /// The extension called most often among `calls`; a tie goes to the one called most recently.
    private static func mostCalled(in calls: ArraySlice<RecentCalls<String>.Call>) -> String {
        var best = calls.last?.detail ?? "*"
        var bestCount = 0
        for candidate in calls.reversed() {
            let count = calls.reduce(0) { $0 + ($1.detail == candidate.detail ? 1 : 0) }
            if count > bestCount {
                best = candidate.detail
                bestCount = count
            }
        }
        return best
    }
}
