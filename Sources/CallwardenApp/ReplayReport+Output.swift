import CallModel
import CDRParsing
import Foundation

extension ReplayReport {
    /// The `--json` form: one object with `events`, `calls`, `malformed`, `detections` and `files`.
    /// Numbers are shown in full: this output is for the operator running the replay, not a log.
    package func json() -> String {
        var object: [String: Any] = ["events": events, "calls": calls, "malformed": malformed]
        object["detections"] = detections.map { detection -> [String: Any] in
            var entry: [String: Any] = [
                "kind": detection.kind.rawValue,
                "caller": detection.caller.map { $0.description as Any } ?? NSNull(),
                "callers": detection.callers.map(\.description),
                "target": detection.target,
                "calls": detection.calls,
                "first": detection.first.rfc3339,
                "last": detection.last.rfc3339,
                "action": detection.action.rawValue,
                "offence": detection.offence,
            ]
            entry["action_expires"] = detection.actionExpires.map { $0.rfc3339 as Any } ?? NSNull()
            return entry
        }
        object["files"] = files.map { file -> [String: Any] in
            ["path": file.path, "format": file.formatName as Any, "events": file.events, "malformed": file.malformed]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A readable table for people at a terminal.
    /// The table form. Paths and targets (a CDR file's callee text) have their control and format
    /// characters escaped (``InertText/line(_:)``) before columns are measured: nothing from a
    /// file can add a line or send the terminal an escape sequence or bidi control.
    package func table() -> String {
        var lines: [String] = []
        for file in files {
            lines.append("\(InertText.line(file.path)): \(file.formatName ?? "?"), \(file.events) events, \(file.malformed) malformed")
        }
        lines.append("\(events) events, \(calls) calls, \(malformed) malformed lines, \(detections.count) detections")
        guard !detections.isEmpty else { return lines.joined(separator: "\n") }
        let header = ["KIND", "CALLER", "TARGET", "CALLS", "FIRST", "LAST", "ACTION"]
        var rows = [header]
        for detection in detections {
            let caller = detection.caller?.description
                ?? (detection.callers.isEmpty ? "unidentified" : detection.callers.map(\.description).joined(separator: ","))
            var action = detection.action.rawValue
            if let expires = detection.actionExpires { action += " until " + expires.rfc3339 }
            rows.append([
                detection.kind.rawValue, caller, InertText.line(detection.target), String(detection.calls),
                detection.first.rfc3339, detection.last.rfc3339, action,
            ])
        }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        lines.append("")
        for row in rows {
            lines.append(
                zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        return lines.joined(separator: "\n")
    }
}
