package import AlertDelivery
package import CallModel
package import CallPipeline
package import CallwardenPorts
package import Evidence
import Foundation
package import IncidentAPI
package import Incidents
package import Logging
import SQLiteStore
package import SystemClock

extension CallwardenConfiguration {
    /// Opens (and migrates) the store for the incident commands, with this configuration's alert
    /// policy, so that a change made from the CLI raises the same alerts the daemon would.
    package func openIncidentStore(clock: WallClock = .system) throws -> any IncidentStore & RecordingStore & RuleStore {
        try SQLiteStore(path: storePath, alertPolicy: incidents.alertPolicy, clock: clock)
    }

    /// The crisis line as the rules store it: E.164 when it is a number.
    package var normalisedCrisisLine: String? {
        crisisLine.flatMap { plan.normalise($0).e164?.description ?? $0 }
    }

    /// The alert sinks configured: the journal (unless switched off), the webhooks, the Alertmanagers.
    /// `clock` dates the webhook signatures (processing time).
    package func makeAlertSinks(logger: Logger, clock: WallClock) -> [any AlertSink] {
        var sinks: [any AlertSink] = []
        if incidents.journal { sinks.append(JournalSink(logger: logger)) }
        for webhook in incidents.webhooks {
            sinks.append(WebhookSink(
                name: webhook.name, url: webhook.url, signer: webhook.signer, showNumbers: webhook.showNumbers,
                timeout: .microseconds(webhook.timeout.microseconds), clock: clock))
        }
        for manager in incidents.alertmanagers {
            sinks.append(AlertmanagerSink(
                name: manager.name, url: manager.url, showNumbers: manager.showNumbers,
                resendInterval: .microseconds(manager.resendInterval.microseconds), generatorBaseURL: manager.generatorURL))
        }
        return sinks
    }

    /// The exporter, writing local times in `numbering.time_zone` beside UTC, signing with `signingKey`.
    package func evidenceExporter(signingKey: EvidenceSigningKey? = nil, clock: WallClock = .system) -> EvidenceExporter {
        let zone = TimeZone(identifier: timeZone.name) ?? TimeZone(identifier: "UTC") ?? .current
        return EvidenceExporter(
            timeFormat: EvidenceTimeFormat(timeZone: zone),
            generator: "Callwarden on " + ProcessInfo.processInfo.hostName, signingKey: signingKey, clock: clock)
    }

    /// The incident routes over `store`, with the configured crisis line; their store calls run on
    /// `storeExecutor` (a thread of their own in the daemon).
    package func incidentRoutes(
        store: any IncidentStore & RecordingStore, logger: Logger, storeExecutor: (any TaskExecutor)? = nil,
        clock: WallClock = .system
    ) -> IncidentRoutes {
        IncidentRoutes(
            store: store, crisisLine: normalisedCrisisLine,
            recordingURISchemes: incidents.recordingURISchemes, mcidWindow: incidents.mcidWindow,
            clock: clock, logger: logger, storeExecutor: storeExecutor)
    }
}
