import CallModel
import CallwardenApp
import AlertDelivery
import Evidence
import SystemClock
import Foundation
import Incidents
import Ingest
import Logging
import Testing

@Suite("The incidents, alerts and recordings sections")
struct IncidentConfigurationTests {
    private func directoryWithSecrets() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-config-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "# security desk hook\nwhsec_\(Data("0123456789abcdef0123".utf8).base64EncodedString())\n"
            .write(to: directory.appendingPathComponent("hook.secret"), atomically: true, encoding: .utf8)
        try "a-token-of-sixteen-chars\n".write(to: directory.appendingPathComponent("api.tokens"), atomically: true, encoding: .utf8)
        for name in ["hook.secret", "api.tokens"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent(name).path)
        }
        return directory
    }

    @Test func aFullSectionIsRead() throws {
        let directory = try directoryWithSecrets()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            incidents:
              alert_from: block
              update_interval: 5m
              mcid_window: 3m
            api:
              listen: 127.0.0.1:8751
              tls_proxy: true
            alerts:
              journal: false
              retry_max: 2m
              webhooks:
                - name: security
                  url: https://hooks.example/callwarden
                  secret_file: hook.secret
                  show_numbers: true
              alertmanager:
                - url: http://127.0.0.1:9093
                  resend_interval: 30s
            recordings:
              directories:
                - path: monitor
                  patterns: [freepbx, '^x-(?<callid>[0-9.]+)\\.wav$']
            """
        let configuration = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: directory.path)
        let incidents = configuration.incidents
        #expect(incidents.alertPolicy.minimumAction == .block)
        #expect(incidents.alertPolicy.minimumUpdateInterval == .minutes(5))
        #expect(incidents.mcidWindow == .minutes(3))
        #expect(configuration.api.listen?.host == "127.0.0.1" && configuration.api.listen?.port == 8751)
        #expect(configuration.api.tlsProxy)
        #expect(!incidents.journal)
        #expect(incidents.retry.maximum == .minutes(2))
        #expect(incidents.webhooks.map(\.name) == ["webhook:security"])
        #expect(incidents.webhooks.first?.showNumbers == true)
        #expect(incidents.alertmanagers.map(\.name) == ["alertmanager:default"])
        #expect(incidents.alertmanagers.first?.resendInterval == .seconds(30))
        #expect(incidents.recordingDirectories.first?.path == directory.path + "/monitor")
        #expect(incidents.recordingDirectories.first?.patterns.count == 2)
        #expect(configuration.makeAlertSinks(logger: .init(label: "test"), clock: .system).map(\.name) == ["webhook:security", "alertmanager:default"])
    }

    @Test func theDefaultsAlertFromAlertToTheJournalOnly() throws {
        let configuration = try CallwardenConfiguration.parse(yaml: "", baseDirectory: "/")
        #expect(configuration.incidents.alertPolicy.minimumAction == .alert)
        #expect(configuration.makeAlertSinks(logger: .init(label: "test"), clock: .system).map(\.name) == ["journal"])
        #expect(configuration.api.listen == nil)
    }

    @Test("the old incidents.api section is refused, naming api.listen and how tokens are made now")
    func theOldAPISectionNamesTheNewKey() {
        let yaml = """
            incidents:
              api:
                listen: 127.0.0.1:8751
                token_file: api.tokens
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/etc/callwarden")
        } throws: { error in
            let errors = (error as? ConfigurationErrors)?.errors ?? []
            return errors.map(\.key) == ["incidents.api"] && errors[0].reason.contains("api.listen")
                && errors[0].reason.contains("callwarden tokens create")
        }
    }

    @Test func everyProblemNamesItsKey() throws {
        let directory = try directoryWithSecrets()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            incidents:
              alert_from: page
              update_intervall: 5m
              api:
                listen: localhost
            alerts:
              webhooks:
                - name: a
                  url: ftp://x
                  secret_file: missing.secret
                - name: a
                  url: https://hooks.example
              alertmanager:
                - url: http://127.0.0.1:9093
                  resend_interval: soon
            recordings:
              directories:
                - patterns: ['(no-callid)']
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: directory.path)
        } throws: { error in
            let keys = Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? [])
            return keys == [
                "incidents.alert_from", "incidents.update_intervall", "incidents.api",
                "alerts.webhooks[0].url", "alerts.webhooks[0].secret_file", "alerts.webhooks[1].name",
                "alerts.webhooks[1].secret_file", "alerts.alertmanager[0].resend_interval",
                "recordings.directories[0].path", "recordings.directories[0].patterns",
            ]
        }
    }
}
