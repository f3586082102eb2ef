package import CallModel

/// When a detection's change to an incident raises an alert.
///
/// - Below ``minimumAction`` (by default `watch` stays silent, as the escalation ladder intends)
///   nothing is raised; the incident and its timeline are still kept.
/// - The first detection at or above it raises ``AlertEvent/opened``.
/// - A higher action than any alerted before raises ``AlertEvent/escalated`` at once.
/// - More calls at the same action raise ``AlertEvent/updated`` at most once per
///   ``minimumUpdateInterval`` of event time per incident (the rate limit); what falls inside the
///   interval is counted as suppressed, never lost from the timeline.
///
/// MCID flags, status changes and closing always raise their alert: a person did something.
/// Deliberately not handled: rate limits across incidents (a flood of distinct incidents alerts
/// once each; the receivers group them).
package struct AlertPolicy: Hashable, Sendable {
    package var minimumAction: ResponseAction
    package var minimumUpdateInterval: TimeSpan

    package init(minimumAction: ResponseAction = .alert, minimumUpdateInterval: TimeSpan = .minutes(15)) {
        self.minimumAction = minimumAction
        self.minimumUpdateInterval = minimumUpdateInterval
    }

    /// What a detection's change raises, given what the incident alerted before.
    package func event(for detection: Detection, after previous: IncidentAlertState) -> AlertDecision {
        guard detection.action >= minimumAction else { return .none }
        guard let alertedAction = previous.highestAction, let lastTime = previous.lastDetectionAlert else {
            return .raise(.opened)
        }
        if detection.action > alertedAction { return .raise(.escalated) }
        if detection.last >= lastTime + minimumUpdateInterval { return .raise(.updated) }
        return .suppressed
    }
}

/// What an incident has alerted so far (kept with the incident).
package struct IncidentAlertState: Hashable, Sendable {
    /// The highest detection action alerted; nil when no detection alert was raised yet.
    package var highestAction: ResponseAction?
    /// Event time (the detection's last call) of the last detection alert.
    package var lastDetectionAlert: Timestamp?

    package init(highestAction: ResponseAction? = nil, lastDetectionAlert: Timestamp? = nil) {
        self.highestAction = highestAction
        self.lastDetectionAlert = lastDetectionAlert
    }
}

/// The outcome of ``AlertPolicy/event(for:after:)``.
package enum AlertDecision: Hashable, Sendable {
    /// Below the alerting action: nothing to say.
    case none
    /// Within the rate limit: counted, not sent.
    case suppressed
    case raise(AlertEvent)
}
