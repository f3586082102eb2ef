/// Makes text that came from callers, PBXs or clients inert for the writer it goes to.
///
/// Works by Unicode scalar, never by `Character`: a scalar that joins the next one into one
/// grapheme (U+0605 before `<`, a combining mark after `"`) must not hide the markup character
/// from the escaper. Control and format characters (C0, DEL, C1, bidi controls, zero-width and
/// prepended marks, line and paragraph separators) are shown as `\u{XXXX}` so that they can neither
/// cut a log line nor reorder or hide what a reader sees.
///
/// Deliberately not handled: confusable letters (a Cyrillic `а` for a Latin `a`) and combining
/// marks, which stay as they are; they change how a name looks, never what the page or line is.
package enum InertText {
    /// Text for HTML element content or a quoted attribute value: `& < > " '` as character
    /// references, newlines as given (the caller decides how to show them), every other control or
    /// format scalar as visible `\u{XXXX}`.
    package static func html(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\n": escaped.unicodeScalars.append(scalar)
            default:
                if isHidden(scalar) { escaped += visible(scalar) } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }

    /// Text for one log line or terminal cell: a backslash doubled, every control or format scalar
    /// (newline and tab included) as `\u{XXXX}`. The result never contains a line break, an escape
    /// sequence or a bidi control.
    package static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\\" || isHidden($0) }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                escaped += "\\\\"
            } else if isHidden(scalar) {
                escaped += visible(scalar)
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// JSON text an encoder wrote, for a terminal or a file a person opens: every control or format
    /// scalar the encoder left raw inside a string — DEL, C1 controls (U+009B starts an escape
    /// sequence in some terminals), bidi controls, zero-width and prepended marks, line and
    /// paragraph separators, noncharacters — as its JSON escape (`\u202E`; a surrogate pair beyond
    /// U+FFFF). The document parses to the same values. Scalars below U+007F are left as they are:
    /// encoders escape those inside strings, so a raw one is the document's own white space.
    package static func json(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x7F && isHidden($0) }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 12)
        for scalar in text.unicodeScalars {
            guard scalar.value >= 0x7F, isHidden(scalar) else {
                escaped.unicodeScalars.append(scalar)
                continue
            }
            for unit in String(scalar).utf16 {
                let hex = String(unit, radix: 16, uppercase: true)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return escaped
    }

    /// Whether `text` holds a control or format scalar (what ``line(_:)`` would escape, bar `\`).
    package static func containsControl(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isHidden)
    }

    /// Control (Cc), format (Cf: bidi controls, zero-width characters, prepended concatenation
    /// marks such as U+0605), line and paragraph separators, and noncharacters/private use are
    /// shown, not passed on.
    package static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: scalar.properties.isNoncharacterCodePoint
        }
    }

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
    }
}
