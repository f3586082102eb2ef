/// Whether a decision question is recorded as a witness of its call (stored, counted by the
/// detector, in `callwarden_decisions_total`) or only answered.
///
/// Every reason not to record goes through this one seam in
/// ``CallScreener/screen(_:recording:believingAssertedIdentity:)``: the PBX still gets the same
/// answer, nothing reaches the event sink, and `callwarden_decision_unrecorded_total{reason}`
/// counts it.
package enum QuestionRecording: Hashable, Sendable {
    /// A question from the PBX about a call it is placing: a witness of that call attempt.
    case record
    /// Answered, neither stored nor counted.
    case answerOnly(AnswerOnlyReason)
}

/// Why a question was answered without being recorded (the `reason` label).
package enum AnswerOnlyReason: String, Hashable, Sendable, CaseIterable {
    /// `dry_run=1`: ops testing a number, or monitoring probing the service.
    case dryRun = "dry_run"
    /// It did not come from an authenticated PBX (``QuestionTrust``).
    case untrusted
}
