import CallModel
import Foundation
import Incidents

/// The bundle's `report.json`: the same content as `report.html`, for tools. Times are RFC 3339 UTC.
struct EvidenceReportJSON: Encodable {
    var format = "callwarden-evidence/1"
    var generatedAt: String
    var generatedBy: String
    var incident: IncidentJSON
    var calls: [CallJSON]
    var detections: [DetectionJSON]
    var decisions: [DecisionJSON]
    var mcidFlags: [FlagJSON]
    var recordings: [RecordingJSON]
    var log: [LogJSON]

    enum CodingKeys: String, CodingKey {
        case format, incident, calls, detections, decisions, recordings, log
        case generatedAt = "generated_at", generatedBy = "generated_by", mcidFlags = "mcid_flags"
    }

    struct IncidentJSON: Encodable {
        var id: Int64
        var kind: String
        var title: String
        var severity: String
        var status: String
        var identity: String
        var target: String
        var openedAt: String
        var updatedAt: String
        var detectionCount: Int
        var transitions: [LogJSON]

        enum CodingKeys: String, CodingKey {
            case id, kind, title, severity, status, identity, target, transitions
            case openedAt = "opened_at", updatedAt = "updated_at", detectionCount = "detection_count"
        }
    }

    struct CallJSON: Encodable {
        var callID: String
        var source: String
        var start: String
        var disposition: String?
        var durationSeconds: Int64?
        var talkTimeSeconds: Int64?
        var callerAsReceived: String
        var callerE164: String?
        var callerExtension: String?
        var callerName: String?
        var assertedIdentity: String?
        var presentationRestricted: Bool
        var calledAsReceived: String
        var called: String
        /// The decision service's answer to this call's question; nil when no question was asked.
        var decision: CallDecisionJSON?
        /// The decision service blocked the call: it never rang (on record all the same).
        var blockedBeforeRinging: Bool
        /// Every source's report of the call, in the order they were stored.
        var witnesses: [WitnessJSON]

        enum CodingKeys: String, CodingKey {
            case source, start, disposition, called, decision, witnesses
            case callID = "call_id", durationSeconds = "duration_seconds", talkTimeSeconds = "talk_time_seconds"
            case callerAsReceived = "caller_as_received", callerE164 = "caller_e164", callerExtension = "caller_extension"
            case callerName = "caller_name", assertedIdentity = "asserted_identity"
            case presentationRestricted = "presentation_restricted", calledAsReceived = "called_as_received"
            case blockedBeforeRinging = "blocked_before_ringing"
        }

        init(_ call: TimelineCall) {
            callID = call.callID
            source = call.source.rawValue
            start = call.start.rfc3339
            disposition = call.disposition?.rawValue
            durationSeconds = call.duration?.seconds
            talkTimeSeconds = call.talkTime?.seconds
            callerAsReceived = call.caller.raw
            callerE164 = call.caller.number?.description
            callerExtension = call.caller.internalExtension
            callerName = call.caller.displayName
            assertedIdentity = call.caller.assertedIdentity?.description
            presentationRestricted = call.caller.presentationRestricted
            calledAsReceived = call.callee.raw
            called = call.callee.key
            decision = call.decision.map(CallDecisionJSON.init)
            blockedBeforeRinging = call.wasBlocked
            witnesses = call.witnesses.map(WitnessJSON.init)
        }
    }

    /// `rule` is nil when no rule matched (the default allow); `redirect_to` only for a redirect.
    struct CallDecisionJSON: Encodable {
        var action: String
        var redirectTo: String?
        var rule: Int64?
        var reason: String

        enum CodingKeys: String, CodingKey {
            case action, rule, reason
            case redirectTo = "redirect_to"
        }

        init(_ decision: CallDecision) {
            action = decision.action.name
            redirectTo = decision.action.redirectTarget
            rule = decision.ruleID
            reason = decision.reason
        }
    }

    struct WitnessJSON: Encodable {
        var source: String
        var phase: String
        var time: String
        var disposition: String?

        init(_ witness: CallWitnessRecord) {
            source = witness.source.rawValue
            phase = witness.phase.rawValue
            time = witness.time.rfc3339
            disposition = witness.disposition?.rawValue
        }
    }

    struct DetectionJSON: Encodable {
        var kind: String
        var callers: [String]
        var target: String
        var calls: Int
        var first: String
        var last: String
        var action: String
        var actionExpires: String?
        var offence: Int

        enum CodingKeys: String, CodingKey {
            case kind, callers, target, calls, first, last, action, offence
            case actionExpires = "action_expires"
        }
    }

    struct DecisionJSON: Encodable {
        var rule: Int64
        var time: String
        var summary: String
        var by: String
        var reason: String
        var expires: String?
    }

    struct FlagJSON: Encodable {
        var kind: String
        var callID: String
        var flaggedAt: String
        var flaggedBy: String
        var note: String
        var sourceAddress: String?
        var sipHeaders: [[String]]
        var call: CallJSON?

        enum CodingKeys: String, CodingKey {
            case kind, note, call
            case callID = "call_id", flaggedAt = "flagged_at", flaggedBy = "flagged_by"
            case sourceAddress = "source_address", sipHeaders = "sip_headers"
        }
    }

    struct RecordingJSON: Encodable {
        var callID: String
        /// The copy in the bundle (`recordings/...`), or nil for an external URI.
        var file: String?
        var uri: String?
        var originalLocation: String
        var sha256AtLinking: String?
        var sha256InBundle: String?
        var size: Int64?
        var recordedAt: String?
        var linkedAt: String
        var status: String

        enum CodingKeys: String, CodingKey {
            case file, uri, size, status
            case callID = "call_id", originalLocation = "original_location", sha256AtLinking = "sha256_at_linking"
            case sha256InBundle = "sha256_in_bundle", recordedAt = "recorded_at", linkedAt = "linked_at"
        }
    }

    struct LogJSON: Encodable {
        var time: String
        var by: String
        var action: String
        var note: String
    }
}
