/// Whose offences an escalation ladder counts: the caller's identity for repeat-caller and stalking
/// (one person, whichever rule caught them), the called extension for anonymous and number-hopping
/// (the callers cannot be told apart, the target can), each kind with its own count.
enum OffenderKey: Hashable, Sendable {
    case identity(UInt64)
    case anonymousTarget(TargetKey)
    case hoppingTarget(TargetKey)
}

/// How a ladder's `block` step is changed for an episode: unidentified callers are redirected to the
/// crisis line, known customers go to ops review (domain.md).
enum BlockSubstitute: Sendable {
    case none
    case redirect
    case review
}
