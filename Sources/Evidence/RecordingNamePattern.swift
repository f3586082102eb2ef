/// How a recording's file name names its call: a regular expression with a capture group named
/// `callid`.
///
/// Presets:
/// - `freepbx`: `<type>-<to>-<from>-YYYYMMDD-HHMMSS-<uniqueid>.<ext>`, read from the right, so the
///   numbers in the middle may hold anything (`in-0912345678-0401234567-20240115-143022-1705321822.42.wav`);
/// - `uniqueid`: the first `<epoch>.<counter>` in the name (`1705321822.42.wav`, `rec-1705321822.42.wav`:
///   MixMonitor names made from `${UNIQUEID}` or `${LINKEDID}`).
///
/// Deliberately not handled: Asterisk's `systemname-` uniqueid prefix in the `uniqueid` preset
/// (write your own pattern), and names that carry no id at all (link those through the API).
package struct RecordingNamePattern: Sendable {
    /// The preset's name or the expression as configured.
    package let name: String
    private let expression: String

    /// The presets by name.
    package static let presets: [String: String] = [
        "freepbx": #"^[^-]+-.*-\d{8}-\d{6}-(?<callid>.+)\.[A-Za-z0-9]+$"#,
        "uniqueid": #"(?<callid>\d{9,11}\.\d+)"#,
    ]

    /// A preset by name, or an expression with a `(?<callid>...)` group.
    /// - Throws: ``EvidenceError/invalidPattern(_:)`` when it does not compile or has no `callid` group.
    package init(_ nameOrExpression: String) throws(EvidenceError) {
        name = nameOrExpression
        expression = Self.presets[nameOrExpression] ?? nameOrExpression
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(expression)
        } catch {
            throw .invalidPattern("\"\(nameOrExpression)\" is neither a preset (\(Self.presets.keys.sorted().joined(separator: ", "))) nor a regular expression: \(error)")
        }
        guard regex.contains(captureNamed: "callid") else {
            throw .invalidPattern("\"\(nameOrExpression)\" has no (?<callid>...) group")
        }
    }

    /// The call id in `fileName` (the last path component), or nil when the name does not match.
    package func callID(inFileName fileName: String) -> String? {
        guard fileName.utf8.count <= 1_024, let regex = try? Regex(expression),
            let match = try? regex.firstMatch(in: fileName),
            let captured = match.output["callid"]?.substring, !captured.isEmpty
        else { return nil }
        return String(captured)
    }
}
