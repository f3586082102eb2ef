package import CallModel

/// Turns a detection's action into the rules the switch should enforce: blocks of the offending
/// numbers, or a redirect of unidentified callers to the crisis line.
///
/// Deliberately not handled here: `watch`, `alert` and `review` make no rule (they notify people),
/// and a redirect needs a configured crisis line; without one an anonymous episode stays an alert.
package struct ResponsePolicy: Sendable, Hashable {
    /// The crisis-service or security-desk number unidentified callers are redirected to.
    package var crisisLine: String?

    package init(crisisLine: String? = nil) {
        self.crisisLine = crisisLine
    }

    /// The rules `detection` asks for, stamped with the detection's last call time.
    package func rules(for detection: Detection) -> [Rule] {
        let reason = "\(detection.kind.rawValue): \(detection.calls) calls \(detection.first.rfc3339)…\(detection.last.rfc3339), offence \(detection.offence)"
        func rule(_ match: RuleMatch, scope: String?, action: RuleAction) -> Rule {
            Rule(
                match: match, scope: scope, action: action, reason: reason, createdBy: "detection",
                createdAt: detection.last, expiresAt: detection.actionExpires, origin: .detection
            )
        }
        switch detection.action {
        case .watch, .alert, .review:
            return []
        case .redirect:
            guard let crisisLine else { return [] }
            let scope = detection.target == "*" ? nil : detection.target
            return [rule(.unidentified, scope: scope, action: .redirect(to: crisisLine))]
        case .block:
            let numbers = detection.callers.isEmpty ? detection.caller.map { [$0] } ?? [] : detection.callers
            // A stalker is kept away from the one employee; a burst caller from the organisation.
            let scope = detection.kind == .stalking ? detection.target : nil
            return numbers.map { rule(.number($0), scope: scope, action: .block) }
        }
    }
}
