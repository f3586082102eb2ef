/// The answer to one incoming call: what to do with it, and which rule said so.
///
/// The rule matcher (RuleMatching) makes it from the deciding rule in force; the decision service
/// hands it to the PBX (HTTP JSON, FastAGI variables). Copying one retains its reason and redirect
/// target strings and never allocates (strings of up to 15 UTF-8 bytes are stored inline), so the
/// matcher can return it on the call path.
///
/// Deliberately not handled: why no rule matched, and which other rules also matched but lost on
/// precedence (RuleMatching.swift states the order). No match and an `allow` rule both read as
/// `allow`; only ``ruleID`` tells them apart.
package struct CallDecision: Hashable, Sendable {
    /// What to do with the call; `allow` when no rule matched.
    package var action: RuleAction
    /// The store id of the deciding rule; nil when no rule matched (``defaultAllow``).
    package var ruleID: Int64?
    /// The deciding rule's reason as whoever added it wrote it; empty when no rule matched.
    package var reason: String

    package init(action: RuleAction, ruleID: Int64?, reason: String) {
        self.action = action
        self.ruleID = ruleID
        self.reason = reason
    }

    /// No rule matched: the call goes through.
    package static let defaultAllow = CallDecision(action: .allow, ruleID: nil, reason: "")
}
