/// Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): per family one `# HELP` and one
/// `# TYPE` line, then one line per sample, `name{label="value",...} value`.
///
/// Escaping: in help text `\` and newline; in label values `\`, `"` and newline. Values are
/// written as integers when they are whole (and exact in a Double), `NaN`, `+Inf`, `-Inf`, else in
/// Swift's shortest round-tripping form. Deliberately not handled: timestamps on samples, and the
/// OpenMetrics variant (`# EOF`, `_created`).
package enum PrometheusTextFormat {
    /// The `Content-Type` of a scrape answer.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The families as exposition text; families without samples are left out.
    package static func render(_ families: [MetricFamily]) -> String {
        var text = ""
        for family in families where !family.samples.isEmpty {
            text += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type.rawValue)\n"
            for sample in family.samples {
                text += family.name
                if !sample.labels.isEmpty {
                    text += "{"
                    text += sample.labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",")
                    text += "}"
                }
                text += " \(format(sample.value))\n"
            }
        }
        return text
    }

    /// `\` → `\\`, newline → `\n`.
    package static func escapeHelp(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// `\` → `\\`, `"` → `\"`, newline → `\n`.
    package static func escapeLabelValue(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A sample value as the format writes it.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `name` with every character outside `[a-zA-Z0-9_]` (and `:` in metric names) replaced by
    /// `_`, and `_` put in front of a leading digit; empty becomes `_`.
    package static func validName(_ name: String, allowColon: Bool) -> String {
        var valid = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "_": valid.unicodeScalars.append(scalar)
            case "0"..."9": valid += valid.isEmpty ? "_\(scalar)" : String(scalar)
            case ":" where allowColon: valid.unicodeScalars.append(scalar)
            default: valid += "_"
            }
        }
        return valid.isEmpty ? "_" : valid
    }
}
