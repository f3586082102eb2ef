import CallModel

/// The `stalking` rule's state: per identity and called extension, the calls within the window
/// (time, call id, local day) and the open episode.
///
/// A call qualifies when the window ending at it holds at least `threshold` calls on at least
/// `minimumDays` local days, or calls on at least `distinctDaysThreshold` local days. The repeat-caller
/// rule decides which calls are bursts; those never get here, and the earlier calls of a burst are
/// taken back with ``forget(identity:target:time:callID:)``. Keys whose newest call is older than the
/// window are swept.
struct StalkingRule: Sendable {
    struct Key: Hashable, Sendable {
        var identity: UInt64
        var target: TargetKey
    }

    private struct State: Sendable {
        var target: String
        var calls: RecentCalls<Int32>
        var episode: Episode?
    }

    private let threshold: Int
    private let minimumDays: Int
    private let distinctDaysThreshold: Int
    private let window: Int64
    private let rememberedCalls: Int
    private let stepUpCalls: Int
    private let maxCallIDs: Int
    private var table: RecencyTable<Key, State>

    init(configuration: DetectionConfiguration, stepUpFactor: Int) {
        let settings = configuration.stalking
        self.threshold = max(1, settings.threshold)
        self.minimumDays = max(1, settings.minimumDays)
        self.distinctDaysThreshold = max(1, settings.distinctDaysThreshold)
        self.window = max(1, settings.window.microseconds)
        self.rememberedCalls = max(self.threshold, settings.maximumRememberedCalls)
        self.stepUpCalls = threshold * max(1, stepUpFactor)
        self.maxCallIDs = max(1, configuration.maxCallIDsPerDetection)
        self.table = RecencyTable(capacity: configuration.maxTrackedKeys)
    }

    var trackedKeys: Int { table.count }

    mutating func observe(
        identity: E164Number, key: Key, target: String, time: Int64, localDay: Int32, callID: String,
        isCustomer: Bool, escalation: inout EscalationLadder
    ) -> Detection? {
        let slot = table.slot(for: key, seenAt: time) {
            State(target: target, calls: RecentCalls(reserving: 2), episode: nil)
        }
        return table.update(slot) { state in
            state.calls.insert(.init(time: time, callID: callID, detail: localDay), capacity: rememberedCalls)
            let now = state.calls.newestTime ?? time
            state.calls.removeCalls(before: now &- window)
            if let episode = state.episode, episode.isOver(at: now, window: window) { state.episode = nil }
            let inWindow = state.calls.calls(from: now &- window, through: now)
            let days = Self.distinctDays(in: inWindow)
            let qualifies = (inWindow.count >= threshold && days >= minimumDays) || days >= distinctDaysThreshold
            guard qualifies else { return nil }
            if state.episode != nil {
                state.episode!.extend(time: time, callID: callID, escalation: &escalation)
                return state.episode!.detection
            }
            let episode = Episode(
                kind: .stalking, caller: identity, callers: [identity], target: state.target, calls: inWindow,
                offender: .identity(identity.value), substitute: isCustomer ? .review : .none,
                stepUpCalls: stepUpCalls, maxCallIDs: maxCallIDs, escalation: &escalation
            )
            state.episode = episode
            return episode.detection
        }
    }

    /// Takes back a call that turned out to be part of a repeat-caller burst.
    mutating func forget(identity: UInt64, target: TargetKey, time: Int64, callID: String) {
        guard let slot = table.slot(of: Key(identity: identity, target: target)) else { return }
        table.update(slot) { state in
            state.calls.remove(time: time, callID: callID)
        }
    }

    /// Drops keys whose newest call is before `now` minus the window.
    mutating func sweep(now: Int64) {
        let cutoff = now &- window
        table.removeStale(before: cutoff)
    }

    /// Distinct local days among calls in time order (days never decrease along them).
    private static func distinctDays(in calls: ArraySlice<RecentCalls<Int32>.Call>) -> Int {
        var count = 0
        var previous: Int32?
        for call in calls where call.detail != previous {
            count += 1
            previous = call.detail
        }
        return count
    }
}
