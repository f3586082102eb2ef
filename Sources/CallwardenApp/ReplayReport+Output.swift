import CallModel
import CDRParsing
import Foundation

extension ReplayReport {
    /// The `--json` form: one object with `events`, `calls`, `malformed`, `detections` and `files`.
    /// Numbers are shown in full: this output is for the operator running the replay, not a log.
    ///
    /// Written directly, byte for byte what `JSONSerialization` wrote with `.prettyPrinted` and
    /// `.sortedKeys` (the keys below are in that order; two-space indents, `" : "`, `[\n\n]` for
    /// an empty array, `/` written `\/`), without its start-up cost (the sorted keys' locale
    /// comparison, bridging every value) of ~10 ms a run. Strings are escaped by byte (``jsonString(_:)``).
    package func json() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512 + detections.count * 400 + files.count * 120)
        out.append(text: "{\n  \"calls\" : \(calls),\n  \"detections\" : [")
        for (index, detection) in detections.enumerated() {
            out.append(text: index == 0 ? "\n    {\n" : ",\n    {\n")
            out.append(text: "      \"action\" : ")
            out.appendJSONString(detection.action.rawValue)
            out.append(text: ",\n      \"action_expires\" : ")
            if let expires = detection.actionExpires { out.appendJSONString(expires.rfc3339) } else { out.append(text: "null") }
            out.append(text: ",\n      \"caller\" : ")
            if let caller = detection.caller { out.appendJSONString(caller.description) } else { out.append(text: "null") }
            out.append(text: ",\n      \"callers\" : [")
            for (position, caller) in detection.callers.enumerated() {
                out.append(text: position == 0 ? "\n        " : ",\n        ")
                out.appendJSONString(caller.description)
            }
            out.append(text: detection.callers.isEmpty ? "\n\n      ]" : "\n      ]")
            out.append(text: ",\n      \"calls\" : \(detection.calls)")
            out.append(text: ",\n      \"first\" : ")
            out.appendJSONString(detection.first.rfc3339)
            out.append(text: ",\n      \"kind\" : ")
            out.appendJSONString(detection.kind.rawValue)
            out.append(text: ",\n      \"last\" : ")
            out.appendJSONString(detection.last.rfc3339)
            out.append(text: ",\n      \"offence\" : \(detection.offence)")
            out.append(text: ",\n      \"target\" : ")
            out.appendJSONString(detection.target)
            out.append(text: "\n    }")
        }
        out.append(text: detections.isEmpty ? "\n\n  ],\n" : "\n  ],\n")
        out.append(text: "  \"events\" : \(events),\n  \"files\" : [")
        for (index, file) in files.enumerated() {
            out.append(text: index == 0 ? "\n    {\n" : ",\n    {\n")
            out.append(text: "      \"events\" : \(file.events),\n      \"format\" : ")
            if let format = file.formatName { out.appendJSONString(format) } else { out.append(text: "null") }
            out.append(text: ",\n      \"malformed\" : \(file.malformed),\n      \"path\" : ")
            out.appendJSONString(file.path)
            out.append(text: "\n    }")
        }
        out.append(text: files.isEmpty ? "\n\n  ],\n" : "\n  ],\n")
        out.append(text: "  \"malformed\" : \(malformed)\n}")
        return String(decoding: out, as: UTF8.self)
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

extension [UInt8] {
    fileprivate mutating func append(text: String) { append(contentsOf: text.utf8) }

    /// `value` as a JSON string the way `JSONSerialization` writes it, escaped by byte: `"`, `\\`
    /// and `/` with a backslash, BS, TAB, LF, FF and CR by their letters, the other C0 controls as
    /// `\u00xx` (lower-case hex); every other byte (DEL, UTF-8 of non-ASCII scalars) as it is.
    /// What must not reach a terminal raw is escaped afterwards (``InertText/json(_:)``).
    fileprivate mutating func appendJSONString(_ value: String) {
        append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                append(UInt8(ascii: "\\"))
                append(byte)
            case 0x08: append(text: "\\b")
            case 0x09: append(text: "\\t")
            case 0x0A: append(text: "\\n")
            case 0x0C: append(text: "\\f")
            case 0x0D: append(text: "\\r")
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                append(hex[Int(byte >> 4)])
                append(hex[Int(byte & 0x0F)])
            default:
                append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }
}
