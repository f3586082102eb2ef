package import CallModel
package import CallwardenPorts
import Synchronization

/// Turns one raw PBX question into a decision and (from an authenticated PBX) a recorded call
/// event; shared by the HTTP and FastAGI transports.
///
/// `screen` is synchronous: it normalises the numbers with the deployment's ``NumberPlan``, asks
/// the ``CallDecider`` (no await, no lock), offers a ``CallEvent`` (source `.decisionRequest`,
/// phase `.started`, carrying the decision) to the ``DecisionEventSink`` and counts the decision
/// and any dropped event. The event is a witness of the call attempt, merged by call id with the
/// call's other witnesses (SIP, CDR), never a call of its own; a blocked attempt that never rang
/// stays on record through it. A question to answer only (``QuestionRecording/answerOnly(_:)``)
/// offers nothing and counts only `callwarden_decision_unrecorded_total`.
/// It never logs. Deliberately not handled: validation of the raw strings (the transports call
/// ``RawDecisionQuery/problem()`` first and answer 400 / close) and the request counters.
package struct CallScreener: Sendable {
    package let decider: any CallDecider
    package let plan: NumberPlan
    package let sink: any DecisionEventSink
    package let metrics: DecisionMetrics
    /// Whom the transports believe (``QuestionTrust``), swapped whole on reload.
    package let trust: QuestionTrustHolder
    private let clock: @Sendable () -> Timestamp
    private let syntheticIDs = SyntheticCallIDs()

    /// - Parameter clock: processing time for the event (the question is asked as the call
    ///   starts, so processing time is the call's start): the daemon's injected clock.
    package init(
        decider: any CallDecider,
        plan: NumberPlan,
        sink: any DecisionEventSink,
        metrics: DecisionMetrics,
        trust: QuestionTrustHolder = QuestionTrustHolder(),
        clock: @escaping @Sendable () -> Timestamp
    ) {
        self.trust = trust
        self.decider = decider
        self.plan = plan
        self.sink = sink
        self.metrics = metrics
        self.clock = clock
    }

    /// Decides `query` and, unless `recording` says to answer only, records it. The query should
    /// have passed ``RawDecisionQuery/problem()``. Without `believingAssertedIdentity` its `pai` is
    /// ignored (counted): only a PBX allowed to assert identity may name the caller.
    package func screen(
        _ query: RawDecisionQuery, recording: QuestionRecording = .record, believingAssertedIdentity: Bool = true
    ) -> DecisionOutcome {
        let now = clock()
        var query = query
        if !believingAssertedIdentity, query.assertedIdentity != nil {
            query.assertedIdentity = nil
            metrics.countIgnoredAssertedIdentity()
        }
        let caller = callerIdentity(of: query)
        let callee = CalledParty(raw: query.callee, plan: plan)
        let callID: String
        if let given = query.callID, !given.isEmpty {
            callID = given
        } else if case .answerOnly = recording {
            callID = ""
        } else {
            callID = syntheticIDs.next(at: now)
        }
        let decision = decider.decide(DecisionRequest(caller: caller, callee: callee, callID: callID, time: now))
        if case .answerOnly(let reason) = recording {
            metrics.countUnrecorded(reason)
            return DecisionOutcome(decision: decision, callID: callID, eventRecorded: false)
        }
        metrics.countDecision(decision.action)
        let event = CallEvent(
            time: now, callID: callID, source: .decisionRequest, phase: .started, callStart: now,
            caller: caller, callee: callee, decision: decision)
        let recorded = sink.tryPush(event)
        if !recorded { metrics.countDroppedEvent() }
        return DecisionOutcome(decision: decision, callID: callID, eventRecorded: recorded)
    }

    /// Decides a question from `source` (``QuestionTrust/judge(peer:presented:)``): recorded only
    /// from an authenticated PBX, its `pai` believed only from one allowed to assert identity.
    package func screen(_ query: RawDecisionQuery, from source: QuestionSource) -> DecisionOutcome {
        screen(query, recording: source.recording, believingAssertedIdentity: source.believesAssertedIdentity)
    }

    /// The caller as the model counts it. A PBX that reports a restricted presentation but still
    /// gives the number (Asterisk's `agi_callingpres`) knows who it is: that number becomes the
    /// asserted identity and the presented number is withheld, as with a SIP P-Asserted-Identity.
    package func callerIdentity(of query: RawDecisionQuery) -> CallerIdentity {
        var identity = CallerIdentity(raw: query.caller, displayName: nilIfEmpty(query.callerName), plan: plan)
        if let pai = query.assertedIdentity, let asserted = plan.normalise(pai).e164 {
            identity.assertedIdentity = asserted
        }
        if query.presentationRestricted {
            identity.presentationRestricted = true
            if let presented = identity.number {
                if identity.assertedIdentity == nil { identity.assertedIdentity = presented }
                identity.number = nil
            }
        }
        return identity
    }
}

private func nilIfEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}

/// Call ids for questions that came without one: `cw-<microseconds>-<sequence>`, unique within
/// one process.
final class SyntheticCallIDs: Sendable {
    private let sequence = Atomic<Int>(0)

    func next(at time: Timestamp) -> String {
        let number = sequence.add(1, ordering: .relaxed).newValue
        return "cw-\(time.microsecondsSinceEpoch)-\(number)"
    }
}
