package import CallwardenPorts

/// One thing a token may be allowed to do.
package enum Permission: String, CaseIterable, Hashable, Sendable {
    /// Read block, allow, flag and redirect rules (numbers masked without ``seeNumbers``).
    case readRules
    /// Add and remove rules and redirects (and, once wired, mark false positives and work the review queue).
    case manageRules
    /// Read incident summaries (`GET /v1/incidents`), detections and statistics.
    case readSummaries
    /// Handle incidents: their detail and timeline (audited), status, notes, withdrawing flags, recordings.
    case handleIncidents
    /// Raise an MCID flag (`POST /v1/mcid`): security, and a PBX's credential (its only permission).
    case flagCalls
    /// See full numbers in rules and detections.
    case seeNumbers
    /// See incidents' caller identities whole, a withheld caller's asserted identity included.
    case seeWithheldIdentities
    /// Make and revoke tokens.
    case manageTokens
    /// Read the audit log.
    case readAudit
    /// Answer a data subject's access and erasure requests, read the retention status (`/v1/privacy/...`).
    case answerDataRequests
}

/// The permission matrix (README "The people's API"): not a ladder, each role a set.
///
/// | role | may |
/// |---|---|
/// | viewer | read rules and summaries, numbers masked |
/// | ops | viewer's reads with numbers; manage rules and redirects |
/// | security | reads with numbers; handle incidents, MCID, recordings; alone sees withheld identities |
/// | admin | reads with numbers (incident identities masked); manage tokens; read the audit log; answer access and erasure requests |
/// | pbx | raise MCID flags, nothing else (a PBX's credential, not a person's) |
package enum AccessPolicy {
    package static func permissions(of role: AccessRole) -> Set<Permission> {
        switch role {
        case .viewer: [.readRules, .readSummaries]
        case .ops: [.readRules, .readSummaries, .seeNumbers, .manageRules]
        case .security: [.readRules, .readSummaries, .seeNumbers, .handleIncidents, .flagCalls, .seeWithheldIdentities]
        case .admin: [.readRules, .readSummaries, .seeNumbers, .manageTokens, .readAudit, .answerDataRequests]
        case .pbx: [.flagCalls]
        }
    }

    package static func allows(_ role: AccessRole, _ permission: Permission) -> Bool {
        permissions(of: role).contains(permission)
    }
}
