package import CallModel

/// What an incident is about. Detections open the first four kinds; people open the threat kinds
/// with an MCID flag (`POST /v1/mcid`, `callwarden mcid`).
package enum IncidentKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// Repeated unwanted calls from one identity (the repeat-caller detection).
    case harassment
    /// One identity keeps calling one employee over days.
    case stalking
    /// Withheld callers converge on one extension.
    case anonymous
    /// Never-seen numbers converge on one extension (a caller changing numbers).
    case numberHopping = "number-hopping"
    /// An unlawful threat against a named person.
    case threat
    /// A threat against the premises: the highest severity.
    case bombThreat = "bomb-threat"
    /// A caller threatens to take their own life: alert the people on duty, never auto-block.
    case suicideThreat = "suicide-threat"

    /// The incident kind a detection opens.
    package init(detection kind: DetectionKind) {
        switch kind {
        case .repeatCaller: self = .harassment
        case .stalking: self = .stalking
        case .anonymous: self = .anonymous
        case .numberHopping: self = .numberHopping
        }
    }

    /// How serious an incident of this kind is, and so how loud its alerts are.
    package var severity: IncidentSeverity {
        switch self {
        case .harassment, .anonymous, .numberHopping: .low
        case .stalking: .medium
        case .threat, .suicideThreat: .high
        case .bombThreat: .critical
        }
    }

    /// Whether an MCID flag of this kind may add the caller to the block list. A suicide threat
    /// never blocks (domain.md: stay on the line, refer to care); it may redirect to the crisis line.
    package var mayBlock: Bool { self != .suicideThreat }

    /// A short English title for reports and alerts.
    package var title: String {
        switch self {
        case .harassment: "Harassing calls"
        case .stalking: "Stalking of an employee"
        case .anonymous: "Anonymous calls"
        case .numberHopping: "Calls from changing numbers"
        case .threat: "Threat against a person"
        case .bombThreat: "Bomb threat"
        case .suicideThreat: "Suicide threat"
        }
    }
}

/// How loud an incident is. Ordered: `low < medium < high < critical`.
///
/// The raw value is what alert sinks send (the Alertmanager `severity` label).
package enum IncidentSeverity: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    case low
    case medium
    case high
    case critical

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
