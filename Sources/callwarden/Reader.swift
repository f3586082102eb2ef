import ArgumentParser
import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import PeopleAPI
import SystemClock

/// Who reads the output of a command that shows personal data: the holder of an access token
/// (`--token-file`, or `$CALLWARDEN_TOKEN_FILE`), with the same roles and permissions as on the
/// people's API (``AccessPolicy``), or nobody in particular (no token: the least a reader may see).
///
/// What each reader sees whole — in tables, lines and `--json` alike:
/// - numbers in rules and detections: roles that may see numbers (ops, security, admin); others
///   see them masked (`+447*******23`);
/// - an incident's caller identity and what its calls carry (numbers as received, asserted
///   identities, display names, the raw caller text, recording file names): security only;
///   others see the identity as the API's list shows it (`withheld` for a withheld caller, a
///   number masked), numbers masked, and names and raw caller text as `‹hidden›`.
///
/// Every read that printed personal data whole is audited (`cli.read`, or `incident.view` for a
/// timeline, as on the API) under the token's name (`token:<name>`).
///
/// Deliberately not handled: protection from someone who can read the store file (they need no
/// CLI); the reader's role is for what is shown on screens, pasted into tickets and read over
/// shoulders. Notes written by staff are shown as written.
struct ReaderOption: ParsableArguments {
    @Option(
        name: .long,
        help: "A file (0600) holding your access token (cw_…; default $CALLWARDEN_TOKEN_FILE): its role decides what is shown whole. Without one, numbers are masked and names hidden.")
    var tokenFile: String?

    /// The reader named by `--token-file` or `$CALLWARDEN_TOKEN_FILE`, checked against `store`'s
    /// tokens (a revoked or unknown token is refused); the anonymous reader without either.
    func reader(_ store: any AccessTokenStore) throws -> Reader {
        guard let path = tokenFile ?? ProcessInfo.processInfo.environment["CALLWARDEN_TOKEN_FILE"], !path.isEmpty else {
            return Reader(token: nil, store: store)
        }
        let text = try Self.tokenText(path)
        guard let token = AccessTokenText(parsing: text), let stored = try store.token(lookup: token.lookup), token.matches(stored) else {
            throw ValidationError("the token in \(path) is not a valid access token, or it was revoked")
        }
        return Reader(token: stored, store: store)
    }

    /// The first non-empty line of `path` that does not start with `#`; a file that group or
    /// others may read or write is refused (like every secret file), naming the path, never the content.
    private static func tokenText(_ path: String) throws -> String {
        let attributes: [FileAttributeKey: Any]
        let data: Data
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot read the token file \(path)")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o077 == 0 else {
            throw ValidationError("the token file \(path) may be read or written by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line else { throw ValidationError("the token file \(path) holds no token") }
        return line
    }
}

/// What one reader sees whole (see ``ReaderOption``), and the audit of what was shown whole.
struct Reader {
    static let hidden = "‹hidden›"

    /// The token's row; nil for a reader without one.
    let token: StoredAccessToken?
    let store: any AccessTokenStore

    private func may(_ permission: Permission) -> Bool {
        token.map { AccessPolicy.allows($0.role, permission) } ?? false
    }

    /// Numbers in rules and detections whole.
    var seesNumbers: Bool { may(.seeNumbers) }
    /// Incident identities and what their calls carry whole (security).
    var seesIdentities: Bool { may(.seeWithheldIdentities) }

    /// A number of a rule or detection.
    func number(_ number: E164Number) -> String { seesNumbers ? number.description : number.masked }

    /// An E.164 text of a rule or detection (a redirect's target, say); other text unchanged.
    func numberText(_ text: String) -> String {
        seesNumbers || E164Number(e164: text) == nil ? text : E164Number.mask(text)
    }

    /// A rule's match in a table: a number in `plan`'s national format, or masked.
    func shown(_ match: RuleMatch, plan: NumberPlan) -> String {
        if case .number(let number) = match, !seesNumbers { return number.masked }
        return plan.shown(match)
    }

    /// A number of a rule or detection in a table: `plan`'s national format, or masked.
    func shown(_ number: E164Number, plan: NumberPlan) -> String { seesNumbers ? plan.nationalFormat(number) : number.masked }

    /// An incident's caller identity in a table: `plan`'s national format, or as ``identity(_:)`` masks it.
    func shownIdentity(_ incident: Incident, plan: NumberPlan) -> String {
        seesIdentities ? plan.shown(incident.identity) : incident.maskedIdentity
    }

    /// An incident's caller identity.
    func identity(_ incident: Incident) -> String { seesIdentities ? incident.identity : incident.maskedIdentity }

    /// A number carried by a call of an incident (caller, asserted identity).
    func callNumber(_ number: E164Number) -> String { seesIdentities ? number.description : number.masked }

    /// Text a caller or PBX sent with a call of an incident (raw caller, display name), or a
    /// recording's location (its file name often carries the number).
    func callText(_ text: String) -> String { seesIdentities ? text : Self.hidden }

    /// Text the store wrote about a call or rule (a rule's summary, `block +447700900123 scope
    /// 1001`): each word that is an E.164 number masked, unless the reader sees identities.
    func callNumbers(in text: String) -> String {
        guard !seesIdentities else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false)
            .map { word in E164Number(e164: String(word)).map(\.masked) ?? String(word) }
            .joined(separator: " ")
    }

    /// Records that this reader was shown personal data whole: `action` (`cli.read`,
    /// `incident.view`) about `subject`. Nothing for a reader who was shown it masked.
    func audit(_ action: String, subject: String, shownWhole: Bool) throws {
        guard shownWhole, let token else { return }
        try store.recordAudit(
            AuditEntry(time: WallClock.system.now(), actor: "token:" + token.name, action: action, subject: subject, detail: "callwarden CLI"))
    }
}
