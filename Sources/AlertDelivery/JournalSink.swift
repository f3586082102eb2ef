import CallModel
package import Incidents
package import Logging

/// Writes each alert as one log line (stderr, which systemd puts in the journal): `warning` for
/// low and medium severity, `critical` for high and critical. Numbers are always masked: the
/// journal is readable by more people than security staff. Text that came from outside (the
/// target as the PBX wrote it) is escaped by scalar (``InertText/line``) here as well as by the
/// process's log handler, so that this sink cannot forge a journal line under any handler.
package struct JournalSink: AlertSink {
    package var name: String
    private let logger: Logger

    package init(name: String = "journal", logger: Logger) {
        self.name = name
        self.logger = logger
    }

    package var batchSize: Int { 64 }

    package func deliver(_ notices: [AlertNotice]) async throws(AlertDeliveryError) {
        for notice in notices {
            let level: Logger.Level = notice.severity >= .high ? .critical : .warning
            logger.log(
                level: level, "incident alert",
                metadata: [
                    "alert.id": "\(notice.key)", "incident.id": "\(notice.incidentID)",
                    "incident.kind": "\(notice.kind.rawValue)", "incident.severity": "\(notice.severity.rawValue)",
                    "incident.status": "\(notice.status.rawValue)", "alert.event": "\(notice.event.rawValue)",
                    "incident.caller": "\(InertText.line(notice.maskedIdentity))",
                    "incident.target": "\(InertText.line(notice.target))", "alert.detail": "\(InertText.line(notice.detail))",
                ])
        }
    }
}
