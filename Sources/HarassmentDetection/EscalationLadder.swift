import CallModel

/// The response ladder and each offender's recent offences and blocks.
///
/// Offence *n* of an offender within the re-offence memory takes ladder step *n − 1* (the last step
/// repeats); a step-up moves one step further. A `block` (or the `redirect` that replaces it) lasts
/// the base duration doubled for each earlier block of that offender within the memory, capped.
/// Offenders whose newest offence is older than the memory are dropped by ``sweep(before:)``; over
/// the key cap the least recently seen offender is dropped and starts again at offence 1.
struct EscalationLadder: Sendable {
    /// One decision: the ladder index taken and the resulting action.
    struct Step: Sendable {
        var ladderIndex: Int
        var action: ResponseAction
        var expires: Timestamp?
    }

    fileprivate struct History: Sendable {
        var offences: [Int64] = []
        var blocks: [Int64] = []
    }

    /// The configured ladder and durations, clamped.
    fileprivate struct Policy: Sendable {
        let ladder: [ResponseAction]
        let memory: Int64
        let blockBase: Int64
        let blockMax: Int64
    }

    private let policy: Policy
    private var histories: RecencyTable<OffenderKey, History>

    init(configuration: DetectionConfiguration.Escalation, maxTrackedKeys: Int) {
        let blockBase = max(1, configuration.blockBase.microseconds)
        self.policy = Policy(
            ladder: configuration.ladder.isEmpty ? [.alert] : configuration.ladder,
            memory: max(0, configuration.reoffenceMemory.microseconds),
            blockBase: blockBase,
            blockMax: max(blockBase, configuration.blockMax.microseconds)
        )
        self.histories = RecencyTable(capacity: maxTrackedKeys)
    }

    var trackedOffenders: Int { histories.count }

    /// Records a new episode (an offence) at `time`; returns its offence number and its first step.
    mutating func openEpisode(of offender: OffenderKey, at time: Int64, substitute: BlockSubstitute)
        -> (offence: Int, step: Step)
    {
        let policy = policy
        let slot = histories.slot(for: offender, seenAt: time) { History() }
        let cutoff = time &- policy.memory
        return histories.update(slot) { history in
            history.offences.removeAll { $0 < cutoff }
            history.offences.append(time)
            let offence = history.offences.count
            return (offence, policy.decide(index: offence - 1, at: time, substitute: substitute, history: &history))
        }
    }

    /// The step after `current`; nil when the ladder has no further step or the action stays the same.
    mutating func stepUp(of offender: OffenderKey, from current: Step, at time: Int64, substitute: BlockSubstitute)
        -> Step?
    {
        let policy = policy
        let next = min(current.ladderIndex + 1, policy.ladder.count - 1)
        guard next != current.ladderIndex,
            policy.apply(substitute, to: policy.ladder[next]) != current.action
        else { return nil }
        let slot = histories.slot(for: offender, seenAt: time) { History() }
        return histories.update(slot) { history in
            policy.decide(index: next, at: time, substitute: substitute, history: &history)
        }
    }

    /// Forgets `offender`'s offences and blocks: its next episode is offence 1 again.
    mutating func forget(_ offender: OffenderKey) {
        histories.remove(offender)
    }

    /// Drops offenders with no offence or block since `cutoff`.
    mutating func sweep(before cutoff: Int64) {
        histories.removeStale(before: cutoff)
    }
}

extension EscalationLadder.Policy {
    fileprivate func decide(
        index: Int, at time: Int64, substitute: BlockSubstitute, history: inout EscalationLadder.History
    ) -> EscalationLadder.Step {
        let ladderIndex = min(index, ladder.count - 1)
        let action = apply(substitute, to: ladder[ladderIndex])
        guard action == .block || action == .redirect else {
            return EscalationLadder.Step(ladderIndex: ladderIndex, action: action, expires: nil)
        }
        let cutoff = time &- memory
        history.blocks.removeAll { $0 < cutoff }
        let duration = blockDuration(earlierBlocks: history.blocks.count)
        history.blocks.append(time)
        return EscalationLadder.Step(
            ladderIndex: ladderIndex, action: action, expires: Timestamp(microsecondsSinceEpoch: time &+ duration))
    }

    fileprivate func apply(_ substitute: BlockSubstitute, to action: ResponseAction) -> ResponseAction {
        guard action == .block || action == .redirect else { return action }
        switch substitute {
        case .none: return action
        case .redirect: return .redirect
        case .review: return .review
        }
    }

    /// `blockBase × 2^earlierBlocks`, at most `blockMax`, without overflowing.
    fileprivate func blockDuration(earlierBlocks: Int) -> Int64 {
        var duration = blockBase
        var doublings = earlierBlocks
        while doublings > 0, duration < blockMax {
            duration = duration > blockMax / 2 ? blockMax : duration * 2
            doublings -= 1
        }
        return min(duration, blockMax)
    }
}
