package import CallModel
package import CDRParsing
package import CDRIngest
import Foundation
import Yams

/// Everything `Config/callwarden.yaml` says, validated. Block and redirect rules are not here:
/// they are data in the store, changed with `callwarden blocks` while the daemon runs.
///
/// Keys (defaults in brackets; durations as `45s`, `30m`, `12h`, `7d`, `2w`):
/// - `store.path` [`/var/lib/callwarden/callwarden.sqlite`]: relative paths are resolved against the
///   configuration file's directory. `store.retention.*`: what housekeeping purges, see
///   ``StoreRetentionSettings``. `store.url`, `store.password_file`, `store.node`: the PostgreSQL
///   store several sites share, see ``SharedStoreSettings``.
/// - `numbering.country` [`GB`]: `FI`, `SE`, `RU`, `DE` or `GB`; `numbering.country_code`,
///   `trunk_prefix`, `international_prefixes`, `extension_digits` (`4` or `3-5`),
///   `digits_may_carry_country_code` override parts of it; `numbering.time_zone` [`UTC`] is the
///   zone the PBX writes CDR times in (an IANA name such as `Europe/Helsinki`).
/// - `cdr.files`: list of `{path, format, start}` with format `auto`, `asterisk-csv`, `freeswitch-csv`,
///   `jsonl` and start [`end`] or `beginning` (where a first start reads from, see
///   ``CDRIngest/CDRFileConfiguration/Start``); `cdr.poll_interval` [`1s`].
/// - `detection.*`: see ``DetectionSettings``. `response.crisis_line`: where unidentified callers
///   are redirected on escalation.
/// - `push`, `ami`, `esl`, `evapi`: event streams, see ``EventStreamSettings``.
/// - `decision`: the HTTP and FastAGI decision service, see ``DecisionServiceSettings``.
/// - `capture`, `hep`, `sip`: SIP from the wire, see ``CaptureSettings``, ``HEPSettings`` and
///   ``SIPSettings`` (absent `capture`/`hep`: no capture, no listener).
/// - `incidents.*`, `alerts.*`, `recordings.*`: see ``IncidentSettings``.
/// - `metrics.http`: a listener of its own for `GET /metrics`, see ``MetricsSettings``.
/// - `api.*`: the people's listener (API and console), see ``PeopleAPISettings``.
/// - `logging.level` [`info`].
package struct CallwardenConfiguration: Sendable {
    package var storePath: String
    /// The PostgreSQL store several sites share (`store.url`); nil: SQLite only.
    package var sharedStore: SharedStoreSettings?
    /// What the daemon's housekeeping purges, and how often.
    package var retention = StoreRetentionSettings()
    package var plan: NumberPlan
    package var timeZone: LocalTimeZone
    package var cdrFiles: [CDRFileConfiguration]
    package var pollInterval: TimeSpan
    package var detection: DetectionSettings
    package var crisisLine: String?
    package var logLevel: String
    package var streams: EventStreamSettings
    package var decision: DecisionServiceSettings
    /// Live capture; nil when not configured.
    package var capture: CaptureSettings?
    /// HEP collector; nil when not configured.
    package var hep: HEPSettings?
    package var sip = SIPSettings()
    /// Incidents, alert sinks, recording directories and the incident API.
    package var incidents = IncidentSettings()
    /// Where `/metrics` is served besides the decision service.
    package var metrics = MetricsSettings()
    /// The people's listener: the JSON API and the console.
    package var api = PeopleAPISettings()

    /// The configuration every default describes (no CDR files).
    package static var defaults: CallwardenConfiguration {
        do {
            return try parse(yaml: "", baseDirectory: "/var/lib/callwarden")
        } catch {
            preconditionFailure("the built-in defaults must be valid: \(error)")
        }
    }

    package var decoderConfiguration: CDRDecoderConfiguration {
        CDRDecoderConfiguration(plan: plan, timeZone: timeZone)
    }

    /// Reads and validates a configuration file.
    /// - Throws: ``ConfigurationErrors`` listing every problem with its key, or a
    ///   ``ConfigurationError`` when the file cannot be read or is not YAML.
    package static func load(path: String) throws -> CallwardenConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: "", reason: "cannot read \(path): \(error.localizedDescription)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(yaml: text, baseDirectory: directory.isEmpty ? "." : directory)
    }

    /// Parses and validates configuration text; relative paths resolve against `baseDirectory`.
    package static func parse(yaml: String, baseDirectory: String) throws -> CallwardenConfiguration {
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(key: "", reason: Self.describeYAMLError(error))
        }
        let root = ConfigNode(document, path: "")
        let configuration = read(root, baseDirectory: baseDirectory)
        let errors = root.allErrors()
        guard errors.isEmpty else { throw ConfigurationErrors(errors: errors) }
        return configuration
    }

    /// Where and what is wrong with the YAML, never the text around it: Yams' own description
    /// quotes the offending lines (a secret written there, the whole file for a duplicate key).
    static func describeYAMLError(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "not valid YAML" }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "not valid YAML at line \(mark.line), column \(mark.column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "not valid YAML: the key(s) " + duplicates.sorted().map { "\"\(InertText.line($0))\"" }.joined(separator: ", ")
                + " written twice in the mapping at line \(context.mark.line)"
        case .reader(let problem, let offset, _, _):
            return "not valid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? "")
        default:
            return "not valid YAML"
        }
    }

    private static func read(_ root: ConfigNode, baseDirectory: String) -> CallwardenConfiguration {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
        }

        let store = root.section("store")
        let storePath = resolve(store.string("path", default: "/var/lib/callwarden/callwarden.sqlite"))
        let retentionNode = store.section("retention")
        let retention = StoreRetentionSettings.read(retentionNode)

        let numbering = root.section("numbering")
        let plan = readPlan(numbering)
        let zoneName = numbering.string("time_zone", default: "UTC")
        var timeZone = LocalTimeZone.utc
        if let zone = SystemTimeZone.make(identifier: zoneName) {
            timeZone = zone
        } else {
            numbering.fail("time_zone", "\"\(zoneName)\" is not a known time zone (use an IANA name such as Europe/Helsinki)")
        }

        let cdr = root.section("cdr")
        var files: [CDRFileConfiguration] = []
        for file in cdr.sectionList("files") {
            let path = file.string("path")
            let formatName = file.string("format", default: "auto")
            var format: CDRFormat?
            if formatName != "auto" {
                format = CDRFormat(rawValue: formatName)
                if format == nil {
                    file.fail("format", "\"\(formatName)\" is not one of auto, " + CDRFormat.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            let startName = file.string("start", default: "end")
            let start = CDRFileConfiguration.Start(rawValue: startName)
            if start == nil { file.fail("start", "\"\(startName)\" is not one of end, beginning") }
            guard let path else {
                file.fail("path", "is required")
                continue
            }
            files.append(CDRFileConfiguration(path: resolve(path), format: format, start: start ?? .end))
        }
        let pollInterval = cdr.duration("poll_interval", default: .seconds(1))

        let detection = DetectionSettings.read(root.section("detection"), plan: plan)
        let response = root.section("response")
        let crisisLine = response.string("crisis_line")
        if let crisisLine, plan.normalise(crisisLine).e164 == nil, case .invalid = plan.normalise(crisisLine) {
            response.fail("crisis_line", "\"\(crisisLine)\" is not a phone number")
        }
        let streams = EventStreamSettings.read(root, resolve: resolve)
        let decision = DecisionServiceSettings.read(root, resolve: resolve)
        let logging = root.section("logging")
        let level = logging.string("level", default: "info")
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) {
            logging.fail("level", "\"\(level)\" is not one of trace, debug, info, notice, warning, error, critical")
        }

        var configuration = CallwardenConfiguration(
            storePath: storePath, plan: plan, timeZone: timeZone, cdrFiles: files, pollInterval: pollInterval,
            detection: detection, crisisLine: crisisLine, logLevel: level, streams: streams,
            decision: decision)
        configuration.retention = retention
        configuration.sharedStore = SharedStoreSettings.read(store, resolve: resolve)
        configuration.capture = CaptureSettings.read(root.section("capture"))
        configuration.hep = HEPSettings.read(root.section("hep"), resolve: resolve)
        configuration.sip = SIPSettings.read(root.section("sip"))
        configuration.incidents = IncidentSettings.read(root, resolve: resolve)
        configuration.metrics = MetricsSettings.read(root)
        if configuration.retention.calls < configuration.warmUpHorizon {
            retentionNode.fail(
                "calls",
                "must be at least the longest detection window (\(configuration.warmUpHorizon) here), or detection would forget calls it still counts")
        }
        configuration.api = PeopleAPISettings.read(root)
        return configuration
    }

    private static func readPlan(_ numbering: ConfigNode) -> NumberPlan {
        let country = numbering.string("country", default: "GB").uppercased()
        var plan = NumberPlan.byCountry[country] ?? .unitedKingdom
        if NumberPlan.byCountry[country] == nil {
            numbering.fail("country", "\"\(country)\" is not one of " + NumberPlan.byCountry.keys.sorted().joined(separator: ", ") + " (set country_code, trunk_prefix and international_prefixes for others)")
        }
        if let code = numbering.string("country_code") {
            if code.count >= 1, code.count <= 3, code.allSatisfy(\.isASCIIDigit), code.first != "0" {
                plan.countryCode = code
            } else {
                numbering.fail("country_code", "\"\(code)\" is not a country calling code (1–3 digits, e.g. 358)")
            }
        }
        if let trunk = numbering.string("trunk_prefix") {
            if trunk.count <= 2, trunk.allSatisfy(\.isASCIIDigit) {
                plan.trunkPrefix = trunk
            } else {
                numbering.fail("trunk_prefix", "\"\(trunk)\" is not a trunk prefix (0–2 digits)")
            }
        }
        if let prefixes = numbering.stringList("international_prefixes") {
            if prefixes.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCIIDigit) }) {
                plan.internationalPrefixes = prefixes.sorted { $0.count > $1.count }
            } else {
                numbering.fail("international_prefixes", "every prefix must be 1–6 digits")
            }
        }
        if let lengths = numbering.string("extension_digits") {
            let parts = lengths.split(separator: "-").compactMap { Int($0) }
            if parts.count == 1, (1...8).contains(parts[0]) {
                plan.extensionLengths = parts[0]...parts[0]
            } else if parts.count == 2, 1 <= parts[0], parts[0] <= parts[1], parts[1] <= 8 {
                plan.extensionLengths = parts[0]...parts[1]
            } else {
                numbering.fail("extension_digits", "\"\(lengths)\" is not a length such as 4 or a range such as 3-5 (at most 8)")
            }
        }
        plan.digitsMayCarryCountryCode = numbering.bool(
            "digits_may_carry_country_code", default: plan.digitsMayCarryCountryCode)
        return plan
    }
}

/// LocalTimeZone backed by the system's zone database (Foundation, composition root only).
enum SystemTimeZone {
    static func make(identifier: String) -> LocalTimeZone? {
        if identifier.uppercased() == "UTC" { return .utc }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        return LocalTimeZone(name: identifier) { civil in
            // Take the offset in force at the wall-clock time read as UTC, then re-check once:
            // right for every time outside the hour around a DST change.
            let guess = civil.timestamp(utcOffsetSeconds: 0)
            let first = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess.secondsSinceEpoch)))
            let second = zone.secondsFromGMT(
                for: Date(timeIntervalSince1970: Double(guess.secondsSinceEpoch - Int64(first))))
            return second
        }
    }
}
