import CallModel

/// The AGI commands that hand a decision to the dialplan.
///
/// Deliberately not handled: any command that acts on the channel (HANGUP, EXEC): the dialplan
/// decides what to do with `CALLWARDEN_ACTION`, so a Callwarden that does not answer changes
/// nothing (fail open).
enum AGICommand {
    /// The longest reason handed to the dialplan, in characters.
    static let maximumReasonLength = 200

    /// `SET VARIABLE CALLWARDEN_ACTION "block"`, then `..._TARGET` and `..._REASON`, each a
    /// complete line with its LF.
    static func setVariables(for decision: CallDecision) -> [String] {
        [
            setVariable("CALLWARDEN_ACTION", decision.action.name),
            setVariable("CALLWARDEN_TARGET", decision.action.redirectTarget ?? ""),
            setVariable("CALLWARDEN_REASON", String(decision.reason.prefix(maximumReasonLength))),
        ]
    }

    /// `SET VARIABLE NAME "value"` with the value quoted as Asterisk's argument parser reads it:
    /// `"` and `\` escaped by a backslash; control characters (which would end the line) become
    /// spaces.
    static func setVariable(_ name: String, _ value: String) -> String {
        var line = "SET VARIABLE " + name + " \""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                line += "\\"
                line.unicodeScalars.append(scalar)
            case let control where control.value < 0x20 || control.value == 0x7F:
                line += " "
            default:
                line.unicodeScalars.append(scalar)
            }
        }
        return line + "\"\n"
    }

    /// Whether an AGI reply line is the success reply to SET VARIABLE (`200 result=1`).
    static func isSuccessReply(_ line: some Collection<UInt8>) -> Bool {
        let expected = "200 result=1".utf8
        guard line.starts(with: expected) else { return false }
        let rest = line.dropFirst(expected.count)
        return rest.first.map { $0 == UInt8(ascii: " ") } ?? true
    }

    /// Whether a line is Asterisk's unsolicited `HANGUP` notice (the call ended meanwhile).
    static func isHangupNotice(_ line: some Collection<UInt8>) -> Bool {
        line.elementsEqual("HANGUP".utf8)
    }
}
