package import CallModel
package import Logging
import Synchronization

/// Logs detection episodes: one line when an episode opens and one each time its action changes,
/// never one per call, `watch` episodes included. The incident alerts themselves go through the
/// outbox (`alerts.journal` writes them to the same log). Numbers are masked: the log is not where
/// security staff read identities (they use `callwarden` or the API, which are access-controlled).
package final class DetectionLogger: Sendable {
    private let logger: Logger
    /// Last logged action per episode, bounded: cleared when it grows past 10,000 episodes
    /// (the worst case is one repeated line for an episode still running then).
    private let logged = Mutex<[String: ResponseAction]>([:])

    package init(logger: Logger) {
        self.logger = logger
    }

    package func log(_ detections: [Detection]) {
        for detection in detections {
            let key = detection.episodeKey
            let isNew: Bool = logged.withLock { logged in
                if logged[key] == detection.action { return false }
                if logged.count > 10_000 { logged.removeAll() }
                logged[key] = detection.action
                return true
            }
            guard isNew else { continue }
            let who = detection.caller?.masked
                ?? (detection.callers.isEmpty ? "unidentified" : detection.callers.map(\.masked).joined(separator: ","))
            var metadata: Logger.Metadata = [
                "detection.kind": "\(detection.kind.rawValue)", "detection.caller": "\(who)",
                "detection.target": "\(detection.target)", "detection.calls": "\(detection.calls)",
                "detection.first": "\(detection.first.rfc3339)", "detection.action": "\(detection.action.rawValue)",
                "detection.offence": "\(detection.offence)",
            ]
            if let expires = detection.actionExpires { metadata["detection.action_expires"] = "\(expires.rfc3339)" }
            logger.warning("harassment detected", metadata: metadata)
        }
    }
}
