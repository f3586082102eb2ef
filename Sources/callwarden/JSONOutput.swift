import CallModel
import CallwardenPorts
import Foundation
import Incidents

/// `--json` on every list and show command: one JSON document on standard output, keys in
/// snake_case and sorted, numbers in E.164 (`+447700900123`), times in RFC 3339 UTC, rule ids as
/// plain integers (`"id": 112`; the `r112` form is for the command line only). Strings are
/// escaped by the encoder, so nothing a caller typed can break out of its value, and what the
/// encoder leaves raw (C1 and bidi controls, format characters) by ``InertText/json(_:)``, so it
/// cannot drive the terminal either. Personal data is
/// masked as the ``Reader`` may see it, the same as in tables.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(value)
        printLines(InertText.json(String(decoding: data, as: UTF8.self)))
    }

    struct RuleJSON: Encodable {
        struct Removal: Encodable {
            var by: String
            var at: String
            var reason: String
            var falsePositive: Bool
        }

        var id: Int64
        /// `number`, `prefix` or `unidentified`.
        var matchKind: String
        /// E.164 (`+447700900123`), a range (`+44113496*`) or nil.
        var match: String?
        var scope: String?
        var action: String
        var redirectTo: String?
        var schedule: String?
        var reason: String
        var createdBy: String
        var createdAt: String
        var expiresAt: String?
        var origin: String
        /// `active`, `expired` or `removed`.
        var status: String
        var removal: Removal?

        init(_ rule: Rule, removal: RemovedRule? = nil, now: Timestamp, reader: Reader) {
            id = rule.id ?? 0
            switch rule.match {
            case .number(let number): (matchKind, match) = ("number", reader.number(number))
            case .prefix: (matchKind, match) = ("prefix", rule.match.text)
            case .unidentified: (matchKind, match) = ("unidentified", nil)
            }
            scope = rule.scope
            action = rule.action.name
            redirectTo = rule.action.redirectTarget
            schedule = rule.schedule?.description
            reason = rule.reason
            createdBy = rule.createdBy
            createdAt = rule.createdAt.rfc3339
            expiresAt = rule.expiresAt?.rfc3339
            origin = rule.origin.rawValue
            status = removal != nil ? "removed" : rule.isActive(at: now) ? "active" : "expired"
            self.removal = removal.map {
                Removal(by: $0.removedBy, at: $0.removedAt.rfc3339, reason: $0.reason, falsePositive: $0.falsePositive)
            }
        }
    }

    struct DetectionJSON: Encodable {
        var kind: String
        var caller: String?
        var callers: [String]
        var target: String
        var calls: Int
        var first: String
        var last: String
        var action: String
        var actionExpires: String?
        var offence: Int
        var callIds: [String]

        /// `shown`: how the reader may see the detection's numbers (``Reader/number(_:)`` in
        /// lists of detections and rules, ``Reader/callNumber(_:)`` in an incident's timeline).
        init(_ detection: Detection, shown: (E164Number) -> String) {
            kind = detection.kind.rawValue
            caller = detection.caller.map(shown)
            callers = detection.callers.map(shown)
            target = detection.target
            calls = detection.calls
            first = detection.first.rfc3339
            last = detection.last.rfc3339
            action = detection.action.rawValue
            actionExpires = detection.actionExpires?.rfc3339
            offence = detection.offence
            callIds = detection.callIDs
        }
    }

    struct RuleDetailJSON: Encodable {
        struct IncidentRef: Encodable {
            var id: Int64
            var kind: String
            var status: String
            var outcome: String?
        }

        var rule: RuleJSON
        var detections: [DetectionJSON]
        var incidents: [IncidentRef]
        var hits: Int
        var lastHit: String?

        init(_ detail: RuleDetail, now: Timestamp, reader: Reader) {
            rule = RuleJSON(detail.rule, removal: detail.removal, now: now, reader: reader)
            detections = detail.detections.map { DetectionJSON($0, shown: reader.number) }
            incidents = detail.incidents.map { IncidentRef(id: $0.id, kind: $0.kind, status: $0.status, outcome: $0.outcome) }
            hits = detail.hits
            lastHit = detail.lastHit?.rfc3339
        }
    }

    struct IncidentJSON: Encodable {
        struct Transition: Encodable {
            var status: String
            var by: String
            var at: String
            var note: String
        }

        var id: Int64
        var kind: String
        var severity: String
        var status: String
        /// E.164 when the caller had a number; `unidentified` otherwise.
        var identity: String
        var target: String
        var openedAt: String
        var updatedAt: String
        var detectionCount: Int
        var transitions: [Transition]

        init(_ incident: Incident, reader: Reader) {
            id = incident.id
            kind = incident.kind.rawValue
            severity = incident.severity.rawValue
            status = incident.status.rawValue
            identity = reader.identity(incident)
            target = incident.target
            openedAt = incident.openedAt.rfc3339
            updatedAt = incident.updatedAt.rfc3339
            detectionCount = incident.detectionCount
            transitions = incident.transitions.map {
                Transition(status: $0.status.rawValue, by: $0.actor, at: $0.time.rfc3339, note: $0.note)
            }
        }
    }

    struct CallJSON: Encodable {
        var callId: String
        var source: String
        var start: String
        var disposition: String?
        var callerRaw: String
        var caller: String?
        var assertedIdentity: String?
        var presentationRestricted: Bool
        var callee: String

        init(_ call: TimelineCall, reader: Reader) {
            callId = call.callID
            source = call.source.rawValue
            start = call.start.rfc3339
            disposition = call.disposition?.rawValue
            callerRaw = reader.callText(call.caller.raw)
            caller = call.caller.number.map(reader.callNumber)
            assertedIdentity = call.caller.assertedIdentity.map(reader.callNumber)
            presentationRestricted = call.caller.presentationRestricted
            callee = call.callee.key
        }
    }

    struct IncidentTimelineJSON: Encodable {
        struct Decision: Encodable {
            var ruleId: Int64
            var at: String
            var summary: String
            var createdBy: String
            var reason: String
            var expiresAt: String?
        }

        struct Flag: Encodable {
            var id: Int64
            var kind: String
            var callId: String
            var call: CallJSON?
            var at: String
            var by: String
            var note: String
            /// Set when the flag was withdrawn (it named the wrong call).
            var withdrawn: LogEntry?
        }

        struct Recording: Encodable {
            var callId: String
            var location: String
            var sha256: String?
            var linkedAt: String
        }

        struct LogEntry: Encodable {
            var at: String
            var by: String
            var action: String
            var note: String
        }

        var incident: IncidentJSON
        var calls: [CallJSON]
        var detections: [DetectionJSON]
        var decisions: [Decision]
        var flags: [Flag]
        var recordings: [Recording]
        var log: [LogEntry]

        init(_ timeline: IncidentTimeline, reader: Reader) {
            incident = IncidentJSON(timeline.incident, reader: reader)
            calls = timeline.calls.map { CallJSON($0, reader: reader) }
            detections = timeline.detections.map { DetectionJSON($0, shown: reader.callNumber) }
            decisions = timeline.decisions.map {
                Decision(
                    ruleId: $0.ruleID, at: $0.time.rfc3339, summary: reader.callNumbers(in: $0.summary), createdBy: $0.createdBy, reason: $0.reason,
                    expiresAt: $0.expiresAt?.rfc3339)
            }
            flags = timeline.flags.map {
                Flag(
                    id: $0.id, kind: $0.kind.rawValue, callId: $0.callID, call: $0.call.map { CallJSON($0, reader: reader) }, at: $0.flaggedAt.rfc3339,
                    by: $0.flaggedBy, note: $0.note,
                    withdrawn: $0.withdrawal.map { LogEntry(at: $0.time.rfc3339, by: $0.actor, action: "withdrawn", note: $0.reason) })
            }
            recordings = timeline.recordings.map {
                Recording(callId: $0.callID, location: reader.callText($0.location), sha256: $0.sha256, linkedAt: $0.linkedAt.rfc3339)
            }
            log = timeline.log.map { LogEntry(at: $0.time.rfc3339, by: $0.actor, action: $0.action, note: $0.note) }
        }
    }
}
