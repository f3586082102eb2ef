package import AlertDelivery
package import CallModel
package import Evidence
import Foundation
package import Incidents

/// The `incidents`, `alerts` and `recordings` sections.
///
/// Keys (defaults in brackets):
/// - `incidents.alert_from` [`alert`]: the lowest detection action that raises an alert (`watch`,
///   `alert`, `review`, `block`, `redirect`); `incidents.update_interval` [15m]: at most one "more
///   calls" alert per incident per interval; `incidents.mcid_window` [10m]: "the last call to this
///   extension" looks back this far when the request names none.
/// - The incident API is served by the people's listener (`api.listen`, ``PeopleAPISettings``);
///   the old `incidents.api` section is refused there with the new key's name.
/// - `alerts.journal` [true]: alerts as log lines (numbers masked); `alerts.poll_interval` [1s];
///   `alerts.retry_initial` [1s], `alerts.retry_max` [5m]: backoff of failed deliveries;
///   `alerts.webhooks`: list of `{name, url, secret_file, show_numbers [false], timeout [10s]}`,
///   the secret (`whsec_<base64>`) read from its file (0600, or `credential:NAME`), never written here;
///   `alerts.alertmanager`: list of `{name, url, resend_interval [60s], show_numbers [false],
///   generator_url}`.
/// - `recordings.directories`: list of `{path, patterns [[freepbx, uniqueid]], depth [3]}`, a
///   pattern being a preset or a regular expression with a `(?<callid>...)` group;
///   `recordings.scan_interval` [10s], `recordings.settle_time` [30s]; `recordings.uri_schemes`
///   [[https]]: the schemes an external recording URI may have (`file` is never accepted).
package struct IncidentSettings: Sendable {
    package var alertPolicy = AlertPolicy()
    package var mcidWindow = TimeSpan.minutes(10)
    package var journal = true
    package var alertPollInterval = TimeSpan.seconds(1)
    package var retry = RetrySchedule()
    package var webhooks: [WebhookSettings] = []
    package var alertmanagers: [AlertmanagerSettings] = []
    package var recordingDirectories: [RecordingDirectory] = []
    package var recordingScanInterval = TimeSpan.seconds(10)
    package var recordingSettleTime = TimeSpan.seconds(30)
    package var recordingURISchemes: Set<String> = ["https"]

    package init() {}

    package struct WebhookSettings: Sendable {
        package var name: String
        package var url: String
        package var signer: StandardWebhookSignature
        package var showNumbers: Bool
        package var timeout: TimeSpan
    }

    package struct AlertmanagerSettings: Sendable {
        package var name: String
        package var url: String
        package var resendInterval: TimeSpan
        package var showNumbers: Bool
        package var generatorURL: String?
    }

    static func read(_ root: ConfigNode, resolve: (String) -> String) -> IncidentSettings {
        var settings = IncidentSettings()
        let incidents = root.section("incidents")
        let actionWord = incidents.string("alert_from", default: "alert")
        if let action = ResponseAction(rawValue: actionWord) {
            settings.alertPolicy.minimumAction = action
        } else {
            incidents.fail("alert_from", "\"\(actionWord)\" is not one of " + ResponseAction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        settings.alertPolicy.minimumUpdateInterval = incidents.duration("update_interval", default: .minutes(15))
        settings.mcidWindow = incidents.duration("mcid_window", default: .minutes(10))
        if settings.mcidWindow > .hours(24) { incidents.fail("mcid_window", "must be at most 24h") }
        PeopleAPISettings.refuseOldSection(in: incidents)

        let alerts = root.section("alerts")
        settings.journal = alerts.bool("journal", default: true)
        settings.alertPollInterval = alerts.duration("poll_interval", default: .seconds(1))
        settings.retry = RetrySchedule(
            initial: alerts.duration("retry_initial", default: .seconds(1)), maximum: alerts.duration("retry_max", default: .minutes(5)))
        var names: Set<String> = []
        for webhook in alerts.sectionList("webhooks") {
            let name = sinkName(webhook, prefix: "webhook", names: &names)
            let url = httpURL(webhook)
            let showNumbers = webhook.bool("show_numbers", default: false)
            let timeout = webhook.duration("timeout", default: .seconds(10))
            var signer: StandardWebhookSignature?
            SecretFiles.refuseInline(webhook, "secret", use: "secret_file")
            if webhook.string("secret_file") != nil {
                if let secret = SecretFiles.secret(webhook, "secret_file", resolve: resolve) {
                    signer = StandardWebhookSignature(secret: secret.text)
                    if signer == nil { webhook.fail("secret_file", "holds no usable secret (write whsec_<base64> on its first line)") }
                }
            } else {
                webhook.fail("secret_file", "is required (the webhook secret is never written in this file)")
            }
            if let url, let signer {
                settings.webhooks.append(WebhookSettings(name: name, url: url, signer: signer, showNumbers: showNumbers, timeout: timeout))
            }
        }
        for manager in alerts.sectionList("alertmanager") {
            let name = sinkName(manager, prefix: "alertmanager", names: &names)
            let url = httpURL(manager)
            let resend = manager.duration("resend_interval", default: .seconds(60))
            let showNumbers = manager.bool("show_numbers", default: false)
            let generatorURL = manager.string("generator_url")
            if let url {
                settings.alertmanagers.append(AlertmanagerSettings(
                    name: name, url: url, resendInterval: resend, showNumbers: showNumbers, generatorURL: generatorURL))
            }
        }

        let recordings = root.section("recordings")
        settings.recordingScanInterval = recordings.duration("scan_interval", default: .seconds(10))
        settings.recordingSettleTime = recordings.duration("settle_time", default: .seconds(30))
        if let schemes = recordings.stringList("uri_schemes") {
            let lowered = Set(schemes.map { $0.lowercased() })
            if lowered.contains("file") {
                recordings.fail("uri_schemes", "file is never accepted: a path on this host is not evidence others can fetch and check")
            } else if lowered.isEmpty || lowered.contains(where: { scheme in
                scheme.isEmpty || !scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
            }) {
                recordings.fail("uri_schemes", "list URI schemes such as https, sftp or s3")
            } else {
                settings.recordingURISchemes = lowered
            }
        }
        for directory in recordings.sectionList("directories") {
            guard let path = directory.string("path") else {
                directory.fail("path", "is required")
                continue
            }
            var patterns: [RecordingNamePattern] = []
            for text in directory.stringList("patterns") ?? ["freepbx", "uniqueid"] {
                do {
                    patterns.append(try RecordingNamePattern(text))
                } catch {
                    directory.fail("patterns", error.description)
                }
            }
            let depth = directory.int("depth", default: 3, range: 0...8)
            settings.recordingDirectories.append(RecordingDirectory(path: resolve(path), patterns: patterns, depth: depth))
        }
        return settings
    }

    /// `webhook:<name>`: the name the outbox remembers deliveries by; unique.
    private static func sinkName(_ node: ConfigNode, prefix: String, names: inout Set<String>) -> String {
        let given = node.string("name", default: "default")
        let name = prefix + ":" + given
        if given.isEmpty || given.count > 64 || !names.insert(name).inserted {
            node.fail("name", "\"\(given)\" must be 1–64 characters and unique among the \(prefix) sinks")
        }
        return name
    }

    private static func httpURL(_ node: ConfigNode) -> String? {
        guard let url = node.string("url") else {
            node.fail("url", "is required")
            return nil
        }
        guard let scheme = URL(string: url)?.scheme?.lowercased(), scheme == "http" || scheme == "https",
            URL(string: url)?.host != nil
        else {
            node.fail("url", "\"\(url)\" is not an http or https URL")
            return nil
        }
        return url
    }
}
