import CallModel
import Foundation
import Incidents

/// Builds `report.json` from a timeline and the exported recordings.
enum EvidenceReportBuilder {
    static func json(
        _ timeline: IncidentTimeline, recordings: [EvidenceExporter.ExportedRecording], generatedAt: Timestamp,
        generator: String
    ) -> Data {
        let incident = timeline.incident
        let report = EvidenceReportJSON(
            generatedAt: generatedAt.rfc3339,
            generatedBy: generator,
            incident: .init(
                id: incident.id, kind: incident.kind.rawValue, title: incident.kind.title,
                severity: incident.severity.rawValue, status: incident.status.rawValue, identity: incident.identity,
                target: incident.target, openedAt: incident.openedAt.rfc3339, updatedAt: incident.updatedAt.rfc3339,
                detectionCount: incident.detectionCount,
                transitions: incident.transitions.map {
                    .init(time: $0.time.rfc3339, by: $0.actor, action: $0.status.rawValue, note: $0.note)
                }),
            calls: timeline.calls.map(EvidenceReportJSON.CallJSON.init),
            detections: timeline.detections.map { detection in
                .init(
                    kind: detection.kind.rawValue,
                    callers: detection.callers.isEmpty
                        ? detection.caller.map { [$0.description] } ?? [] : detection.callers.map(\.description),
                    target: detection.target, calls: detection.calls, first: detection.first.rfc3339,
                    last: detection.last.rfc3339, action: detection.action.rawValue,
                    actionExpires: detection.actionExpires?.rfc3339, offence: detection.offence)
            },
            decisions: timeline.decisions.map {
                .init(rule: $0.ruleID, time: $0.time.rfc3339, summary: $0.summary, by: $0.createdBy, reason: $0.reason,
                      expires: $0.expiresAt?.rfc3339)
            },
            mcidFlags: timeline.flags.map { flag in
                .init(
                    kind: flag.kind.rawValue, callID: flag.callID, flaggedAt: flag.flaggedAt.rfc3339,
                    flaggedBy: flag.flaggedBy, note: flag.note, sourceAddress: flag.sourceAddress,
                    sipHeaders: flag.sipHeaders.map { [$0.name, $0.value] },
                    call: flag.call.map(EvidenceReportJSON.CallJSON.init))
            },
            recordings: recordings.map { exported in
                let recording = exported.recording
                return .init(
                    callID: recording.callID, file: exported.bundlePath,
                    uri: recording.origin == .uri ? recording.location : nil, originalLocation: recording.location,
                    sha256AtLinking: recording.sha256, sha256InBundle: exported.sha256InBundle, size: recording.size,
                    recordedAt: recording.recordedAt?.rfc3339, linkedAt: recording.linkedAt.rfc3339,
                    status: exported.status.rawValue)
            },
            log: timeline.log.map { .init(time: $0.time.rfc3339, by: $0.actor, action: $0.action, note: $0.note) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail; an empty object is the fallback.
        return (try? encoder.encode(report)) ?? Data("{}".utf8)
    }
}
