/// Where an incident is in its handling: open → acknowledged → reported (to the police) → closed.
///
/// Transitions only go forward (a step may be skipped: a false alarm is closed straight from open);
/// a closed incident stays closed, and the next detection of the same kind, identity and target
/// opens a new one. Every transition is recorded with who, when and a note.
package enum IncidentStatus: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    /// Opened by a detection or an MCID flag; nobody has looked at it yet.
    case open
    /// Security has seen it and is handling it.
    case acknowledged
    /// Reported to the police (the report's reference goes in the note).
    case reported
    /// Finished.
    case closed

    private var rank: Int {
        switch self {
        case .open: 0
        case .acknowledged: 1
        case .reported: 2
        case .closed: 3
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// Whether an incident in this status may move to `next`: forward only.
    package func canMove(to next: IncidentStatus) -> Bool { self < next }

    /// How a person would say it: `reported to police` for ``reported``.
    package var label: String {
        switch self {
        case .open: "open"
        case .acknowledged: "acknowledged"
        case .reported: "reported to police"
        case .closed: "closed"
        }
    }

    /// Parses the raw value or the words people type (`ack`, `report`, `police`, `close`).
    package init?(word: String) {
        switch word.lowercased() {
        case "open": self = .open
        case "acknowledged", "acknowledge", "ack": self = .acknowledged
        case "reported", "report", "police", "reported-to-police": self = .reported
        case "closed", "close": self = .closed
        default: return nil
        }
    }
}
