import CallModel
import Incidents

/// Renders `report.html`: one self-contained page (inline style, no scripts, no external links)
/// that reads top to bottom: the incident, its calls (with the decision service's answer), every
/// witness of each call, detections, decisions, MCID flags, recordings, handling history and the
/// merged timeline. Every text is HTML-escaped by Unicode
/// scalar (``InertText/html(_:)``), control and format characters shown as `\\u{XXXX}`; the
/// Content-Security-Policy allows nothing but the one style block, by its SHA-256 (no inline
/// `style` attributes, no scripts, no images, no forms, no navigation).
struct EvidenceReportHTML {
    /// The page's only style; its hash is the only style the policy allows.
    static let style = """
        body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:0.5em 0 1.5em}
        th,td{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}
        .mono{font-family:monospace}.altered,.missing{color:#a00;font-weight:bold}
        """

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'sha256-" + FileHasher.base64SHA256(Array(style.utf8))
        + "'; base-uri 'none'; form-action 'none'"

    let timeFormat: EvidenceTimeFormat

    func render(
        _ timeline: IncidentTimeline, recordings: [EvidenceExporter.ExportedRecording], generatedAt: Timestamp,
        generator: String
    ) -> String {
        let incident = timeline.incident
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
            <title>Incident \(incident.id): \(escape(incident.kind.title))</title>
            <style>\(Self.style)</style></head><body>
            <h1>Incident \(incident.id): \(escape(incident.kind.title))</h1>
            <p>Evidence report written by \(escape(generator)) at \(escape(timeFormat.both(generatedAt))).
            All times are given in the organisation's local time and in UTC.</p>
            <table>

            """
        html += row("Kind", incident.kind.rawValue)
        html += row("Severity", incident.severity.rawValue)
        html += row("Status", incident.status.label)
        html += row("Caller", incident.identity)
        html += row("Called extension or number", incident.target)
        html += row("Opened", timeFormat.both(incident.openedAt))
        html += row("Last activity", timeFormat.both(incident.updatedAt))
        html += row("Calls", String(timeline.calls.count))
        html += "</table>\n"

        html += section("Calls", headers: [
            "Started", "Caller as received", "Caller (E.164)", "Asserted identity", "Number withheld", "Caller name",
            "Called as received", "Called", "Outcome", "Duration", "Talk time", "Decision", "Blocked before ringing",
            "Call ID",
        ], rows: timeline.calls.map { call in
            [
                timeFormat.both(call.start), call.caller.raw, call.caller.number?.description ?? "",
                call.caller.assertedIdentity?.description ?? "", call.caller.presentationRestricted ? "yes" : "no",
                call.caller.displayName ?? "", call.callee.raw, call.callee.key, call.disposition?.rawValue ?? "",
                EvidenceTimeFormat.span(call.duration), EvidenceTimeFormat.span(call.talkTime),
                call.decision.map(Self.describe) ?? "no question asked", call.wasBlocked ? "yes" : "no", call.callID,
            ]
        })
        html += section("Witnesses of each call (every source that reported it)",
            headers: ["Call ID", "Source", "Phase", "When", "Outcome reported"],
            rows: timeline.calls.flatMap { call in
                call.witnesses.map { witness in
                    [call.callID, witness.source.rawValue, witness.phase.rawValue, timeFormat.both(witness.time),
                     witness.disposition?.rawValue ?? ""]
                }
            })
        html += section("Detections", headers: ["Pattern", "Callers", "Calls", "First call", "Last call", "Action", "Offence"],
            rows: timeline.detections.map { detection in
                let callers = detection.callers.isEmpty ? detection.caller.map { [$0.description] } ?? ["unidentified"] : detection.callers.map(\.description)
                return [
                    detection.kind.rawValue, callers.joined(separator: ", "), String(detection.calls),
                    timeFormat.both(detection.first), timeFormat.both(detection.last),
                    detection.action.rawValue + (detection.actionExpires.map { " until " + timeFormat.both($0) } ?? ""),
                    String(detection.offence),
                ]
            })
        html += section("Decisions taken (block and redirect rules)", headers: ["Rule", "Since", "What", "By", "Reason", "Until"],
            rows: timeline.decisions.map {
                [String($0.ruleID), timeFormat.both($0.time), $0.summary, $0.createdBy, $0.reason,
                 $0.expiresAt.map(timeFormat.both) ?? "until removed"]
            })
        html += section("Calls flagged as malicious (MCID)", headers: ["Flagged", "Kind", "By", "Call ID", "Caller identity captured", "Source address", "SIP headers", "Note"],
            rows: timeline.flags.map { flag in
                let caller = flag.call.map { call in
                    ["as received " + call.caller.raw, call.caller.number.map { "number " + $0.description },
                     call.caller.assertedIdentity.map { "asserted " + $0.description },
                     call.caller.presentationRestricted ? "withheld from the employee" : nil].compactMap { $0 }.joined(separator: "; ")
                } ?? "the call was not in the store when flagged"
                return [
                    timeFormat.both(flag.flaggedAt), flag.kind.rawValue, flag.flaggedBy, flag.callID, caller,
                    flag.sourceAddress ?? "", flag.sipHeaders.map { $0.name + ": " + $0.value }.joined(separator: "\n"), flag.note,
                ]
            })
        html += section("Recordings", headers: ["Call ID", "File in this bundle", "SHA-256", "Size (bytes)", "Recorded", "Check"],
            statusColumn: 5, rows: recordings.map { exported in
                [
                    exported.recording.callID, exported.bundlePath ?? exported.recording.location,
                    exported.sha256InBundle ?? exported.recording.sha256 ?? "",
                    exported.recording.size.map(String.init) ?? "",
                    exported.recording.recordedAt.map(timeFormat.both) ?? "", Self.describe(exported.status),
                ]
            })
        html += section("Handling and notes", headers: ["When", "Who", "What", "Note"],
            rows: timeline.log.map { [timeFormat.both($0.time), $0.actor, $0.action, $0.note] })
        html += section("Timeline", headers: ["When", "What"], rows: timeline.entries.map { [timeFormat.both($0.time), describe($0)] })
        html += "<p>The SHA-256 of this file and of every recording is listed in MANIFEST.sha256.</p>\n</body></html>\n"
        return html
    }

    private func describe(_ entry: TimelineEntry) -> String {
        switch entry {
        case .call(let call):
            let from = call.caller.number?.description ?? call.caller.assertedIdentity.map { "withheld (asserted \($0.description))" } ?? call.caller.raw
            let outcome = call.wasBlocked ? "blocked before ringing" : call.disposition?.rawValue ?? "in progress"
            return "Call from \(from) to \(call.callee.key): \(outcome)"
        case .detection(let detection):
            return "Detected \(detection.kind.rawValue): \(detection.calls) calls, action \(detection.action.rawValue)"
        case .decision(let decision): return "Rule \(decision.ruleID): \(decision.summary) (by \(decision.createdBy))"
        case .flag(let flag): return "Call \(flag.callID) flagged as \(flag.kind.rawValue) by \(flag.flaggedBy)"
        case .recording(let recording): return "Recording of call \(recording.callID)"
        case .log(let log): return "\(log.action) by \(log.actor)" + (log.note.isEmpty ? "" : ": " + log.note)
        }
    }

    /// `block by rule 7: reason`, `redirect to +44...` or `allow (no rule matched)`.
    private static func describe(_ decision: CallDecision) -> String {
        let action = decision.action.name + (decision.action.redirectTarget.map { " to " + $0 } ?? "")
        guard let rule = decision.ruleID else { return action + " (no rule matched)" }
        return action + " by rule \(rule)" + (decision.reason.isEmpty ? "" : ": " + decision.reason)
    }

    private static func describe(_ status: EvidenceExporter.ExportedRecording.Status) -> String {
        switch status {
        case .intact: "intact (matches the checksum taken when it was found)"
        case .altered: "ALTERED since it was found (checksum differs)"
        case .missing: "MISSING (the file no longer exists)"
        case .external: "external recording (not copied)"
        case .notRegularFile: "REPLACED: no longer a regular file (a link or special file); not followed, not copied"
        }
    }

    private func row(_ name: String, _ value: String) -> String {
        "<tr><th>\(escape(name))</th><td>\(escape(value))</td></tr>\n"
    }

    /// `statusColumn`: the one column whose ALTERED/MISSING cells are marked (text Callwarden wrote).
    private func section(_ title: String, headers: [String], statusColumn: Int? = nil, rows: [[String]]) -> String {
        var html = "<h2>\(escape(title))</h2>\n"
        guard !rows.isEmpty else { return html + "<p>None.</p>\n" }
        html += "<table><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for cells in rows {
            html += "<tr>" + cells.enumerated().map { column, cell in
                let marked = column == statusColumn
                let classes = marked && cell.hasPrefix("ALTERED") ? " class=\"altered\"" : marked && (cell.hasPrefix("MISSING") || cell.hasPrefix("REPLACED")) ? " class=\"missing\"" : ""
                return "<td\(classes)>" + escape(cell).replacingNewlines() + "</td>"
            }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    private func escape(_ text: String) -> String { InertText.html(text) }
}

extension String {
    /// Each newline scalar as `<br>` (by scalar: a newline joined with a following combining mark
    /// is one `Character` but still a newline).
    fileprivate func replacingNewlines() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if scalar == "\n" { result += "<br>" } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }
}
