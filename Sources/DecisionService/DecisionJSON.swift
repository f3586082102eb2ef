import CallModel

/// The decision service's JSON answers, written by hand (no encoder allocations per request).
///
/// Deliberately not handled: pretty printing and key order options; the shape is fixed:
/// `{"action":"redirect","target":"+442079460999","reason":"...","rule":12,"callid":"..."}`.
enum DecisionJSON {
    /// The answer to one decided question.
    static func decision(_ outcome: DecisionOutcome) -> String {
        let decision = outcome.decision
        var text = "{\"action\":"
        appendQuoted(decision.action.name, to: &text)
        text += ",\"target\":"
        if let target = decision.action.redirectTarget { appendQuoted(target, to: &text) } else { text += "null" }
        text += ",\"reason\":"
        appendQuoted(decision.reason, to: &text)
        text += ",\"rule\":"
        if let rule = decision.ruleID { text += String(rule) } else { text += "null" }
        text += ",\"callid\":"
        appendQuoted(outcome.callID, to: &text)
        text += "}\n"
        return text
    }

    /// A refusal that names the parameter at fault.
    static func error(_ problem: DecisionQueryProblem) -> String {
        var text = "{\"error\":\"bad_request\",\"parameter\":"
        appendQuoted(problem.parameter, to: &text)
        text += ",\"message\":"
        appendQuoted(problem.parameter + " " + problem.reason, to: &text)
        text += "}\n"
        return text
    }

    /// `value` as a JSON string literal (RFC 8259: quote, backslash and control characters escaped).
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20 || control.value == 0x7F:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
