/// Whether a question is recorded: the one seam through which a question is answered but neither
/// stored nor counted. ``CallScreener/screen(_:recording:believingAssertedIdentity:)`` asks for it.
package enum QuestionRecording: Hashable, Sendable {
    /// Stored as a witness of the call and counted.
    case record
    /// Answered only; counted in `callwarden_decision_questions_not_recorded_total{reason}`.
    case answerOnly(AnswerOnlyReason)
}

/// Why a question was answered but not recorded.
package enum AnswerOnlyReason: String, Hashable, Sendable, CaseIterable {
    /// It did not come from an authenticated PBX (``QuestionTrust``).
    case untrusted
}
