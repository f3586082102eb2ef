package import CallModel

/// The texts Callwarden writes into alerts (``AlertNotice/detail``) and into the incident log when
/// it opens an incident. None of them holds a phone number: the identity travels in its own field,
/// which each sink sends whole or masked. People's notes never go into alerts.
///
/// Deliberately not handled: translation (alerts are English; receivers template their own texts
/// from the labels).
package enum AlertText {
    /// `repeat-caller: 5 calls 2024-01-15T14:00:00Z…2024-01-15T14:30:00Z, action block, offence 2`.
    package static func detection(_ detection: Detection) -> String {
        "\(detection.kind.rawValue): \(detection.calls) calls \(detection.first.rfc3339)…\(detection.last.rfc3339), "
            + "action \(detection.action.rawValue), offence \(detection.offence)"
    }

    /// `incident reported to police by api:alice`.
    package static func statusChange(to status: IncidentStatus, by actor: String) -> String {
        "incident \(status.label) by \(actor)"
    }

    /// `call flagged as bomb-threat by pbx:*39; number withheld from the employee; caller blocked`.
    package static func flag(
        _ kind: IncidentKind, by actor: String, callStored: Bool, withheld: Bool, rule: RuleAction?
    ) -> String {
        var detail = "call flagged as \(kind.rawValue) by \(actor)"
        if !callStored { detail += "; the call is not in the store yet" }
        if withheld { detail += "; number withheld from the employee" }
        if let rule { detail += rule == .block ? "; caller blocked" : "; caller redirected to the crisis line" }
        return detail
    }

    /// The `opened` log entry's note for an incident a detection opened.
    package static func openedByDetection(_ kind: DetectionKind) -> String { "opened by a \(kind.rawValue) detection" }

    /// The `opened` log entry's note for an incident an MCID flag opened.
    package static func openedByFlag(_ kind: IncidentKind) -> String { "opened by an MCID flag (\(kind.rawValue))" }

    /// The `mcid` log entry's note when the person gave none.
    package static func flagNote(_ kind: IncidentKind) -> String { "call flagged as \(kind.rawValue)" }
}
