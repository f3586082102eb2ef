import CallModel
import CallwardenApp
import EventStreams
import PacketCapture
import Foundation
import Testing

/// Every secret comes from a file only the daemon's user can read, or a systemd credential; no
/// secret is ever printed: not in a configuration error, not at any log level.
@Suite("Secrets only from private files, never printed", .serialized)
struct SecretConfigurationTests {
    static let secrets = [
        "push": "push-secret-5d1f0c2a", "ami": "ami-secret-77ab31e9", "esl": "esl-password-0c9e44d1",
        "hep": "hep-key-b2a81f6e", "token": "api-token-4f8d2c61a9e0b7d3",
    ]
    static let webhookKeyBytes = "webhook-key-93c7e1f0a2"
    static var webhookSecret: String { "whsec_" + Data(webhookKeyBytes.utf8).base64EncodedString() }

    /// All the values that must never appear in output (the webhook key both as written and decoded).
    static var forbidden: [String] { Array(secrets.values) + [webhookSecret, webhookKeyBytes] }

    static func writeSecrets(in directory: String, mode: Int = 0o600) throws {
        for (name, value) in secrets { try TestSupport.writeSecret(value, named: name + ".secret", in: directory, mode: mode) }
        try TestSupport.writeSecret(webhookSecret, named: "webhook.secret", in: directory, mode: mode)
    }

    static func sections(pushPort: Int, hepPort: Int, amiPort: Int, level: String) -> String {
        """
        decision:
          http: off
        push:
          listeners:
            - tcp: 127.0.0.1:\(pushPort)
              secret_file: push.secret
        ami:
          port: \(amiPort)
          username: callwarden
          secret_file: ami.secret
        esl:
          port: \(amiPort)
          password_file: esl.secret
        hep:
          address: 127.0.0.1
          port: \(hepPort)
          auth_key_file: hep.secret
        alerts:
          webhooks:
            - name: security
              url: http://127.0.0.1:\(amiPort)/hook
              secret_file: webhook.secret
        logging:
          level: \(level)
        """
    }

    @Test("every secret is read from its file; the configuration's description never shows one")
    func secretsFromFiles() throws {
        let directory = try TestSupport.temporaryDirectory("secrets-read")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeSecrets(in: directory)
        let configuration = try CallwardenConfiguration.parse(
            yaml: Self.sections(pushPort: 7070, hepPort: 9060, amiPort: 5038, level: "debug"), baseDirectory: directory)
        #expect(configuration.streams.listeners.first?.secret == Secret(Self.secrets["push"]!))
        #expect(configuration.streams.ami?.secret == Secret(Self.secrets["ami"]!))
        #expect(configuration.streams.esl?.password == Secret(Self.secrets["esl"]!))
        #expect(configuration.hep?.authKey == Secret(Self.secrets["hep"]!))
        #expect(configuration.incidents.webhooks.count == 1)
        let printed = String(describing: configuration) + String(reflecting: configuration) + "\(configuration.incidents.webhooks)"
        for secret in Self.forbidden { #expect(!printed.contains(secret), "\(secret) printed") }
        #expect(printed.contains("<redacted>"))
    }

    @Test("a secret file readable by group or others is refused, naming the key and the path")
    func looseFilesAreRefused() throws {
        let directory = try TestSupport.temporaryDirectory("secrets-loose")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeSecrets(in: directory, mode: 0o640)
        #expect {
            try CallwardenConfiguration.parse(
                yaml: Self.sections(pushPort: 7070, hepPort: 9060, amiPort: 5038, level: "info"), baseDirectory: directory)
        } throws: { error in
            let errors = (error as? ConfigurationErrors)?.errors ?? []
            let keys = Set(errors.map(\.key))
            let text = "\(error)"
            return keys == [
                "push.listeners[0].secret_file", "ami.secret_file", "esl.password_file", "hep.auth_key_file",
                "alerts.webhooks[0].secret_file",
            ] && errors.allSatisfy { $0.reason.contains(directory) && $0.reason.contains("chmod 600") }
                && !Self.forbidden.contains(where: text.contains)
        }
    }

    @Test("the old inline keys are refused with the name of the file key; their values are never echoed")
    func inlineSecretsAreRefused() {
        let yaml = """
            push:
              listeners:
                - tcp: 7070
                  secret: inline-push-1
            ami:
              username: callwarden
              secret: inline-ami-2
            esl:
              password: inline-esl-3
            hep:
              auth_key: inline-hep-4
            alerts:
              webhooks:
                - url: http://127.0.0.1:9/hook
                  secret: inline-webhook-5
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/etc/callwarden")
        } throws: { error in
            let errors = (error as? ConfigurationErrors)?.errors ?? []
            func reason(_ key: String) -> String { errors.first { $0.key == key }?.reason ?? "" }
            let text = "\(error)"
            return reason("push.listeners[0].secret").contains("secret_file:") && reason("ami.secret").contains("secret_file:")
                && reason("esl.password").contains("password_file:") && reason("hep.auth_key").contains("auth_key_file:")
                && reason("alerts.webhooks[0].secret").contains("secret_file:")
                && !text.contains("inline-")
        }
    }

    @Test("a YAML error names the line, never the file's text (a duplicate key used to print the whole file)")
    func yamlErrorsDoNotQuoteTheFile() {
        let yaml = """
            ami:
              username: callwarden
              secret: TOPSECRET-in-yaml
              username: twice
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/")
        } throws: { error in
            let text = "\(error)"
            return !text.contains("TOPSECRET") && text.contains("username") && text.contains("line")
        }
        #expect {
            try CallwardenConfiguration.parse(yaml: "ami:\n  secret: \"TOPSECRET-unterminated\n  host: [\n", baseDirectory: "/")
        } throws: { error in
            let text = "\(error)"
            return !text.contains("TOPSECRET") && text.contains("line")
        }
    }

    @Test("credential:NAME reads $CREDENTIALS_DIRECTORY/NAME (systemd LoadCredential=)")
    func systemdCredential() throws {
        let directory = try TestSupport.temporaryDirectory("secrets-credentials")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret("credential-secret-61d0", named: "ami", in: directory, mode: 0o400)
        setenv("CREDENTIALS_DIRECTORY", directory, 1)
        defer { unsetenv("CREDENTIALS_DIRECTORY") }
        let configuration = try CallwardenConfiguration.parse(
            yaml: "ami:\n  username: callwarden\n  secret_file: \"credential:ami\"\n", baseDirectory: "/")
        #expect(configuration.streams.ami?.secret == "credential-secret-61d0")
        #expect(throws: ConfigurationErrors.self) {
            try CallwardenConfiguration.parse(yaml: "ami:\n  username: c\n  secret_file: \"credential:../ami\"\n", baseDirectory: "/")
        }
    }

    @Test("at every log level, check-config and the daemon (started, pushed to with a wrong secret, stopped) print no secret")
    func noSecretAtAnyLevel() async throws {
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            let directory = try TestSupport.temporaryDirectory("secrets-\(level)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try Self.writeSecrets(in: directory)
            // Listeners on port 0 (reported with READY=1); the AMI/ESL/webhook target a port held
            // closed for the test's life.
            let deadPort = RefusingPort()
            let config = try TestSupport.writeConfiguration(
                in: directory, sections: Self.sections(pushPort: 0, hepPort: 0, amiPort: deadPort.port, level: level))
            let logPath = directory + "/output.log"
            let check = try TestSupport.launch(["check-config", config], logPath: logPath)
            await TestSupport.exit(of: check)
            #expect(check.terminationStatus == 0)

            let notify = try NotifySocket(directory: directory)
            let daemon = try TestSupport.launch(["serve", "--config", config], logPath: logPath, environment: notify.environment)
            defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
            let listeners = try #require(await notify.readyListeners(upTo: 60))
            let pushPort = try #require(NotifySocket.port(listeners, "push:tcp:127.0.0.1:0"), "\(listeners)")
            let socket = try #require(BlockingLineSocket(port: pushPort))
            socket.send("AUTH not-the-secret\n")
            #expect(socket.readLine()?.hasPrefix("ERR 1 auth-failed") == true)
            try? await Task.sleep(for: .milliseconds(300))
            kill(daemon.processIdentifier, SIGTERM)
            #expect(await TestSupport.wait(upTo: 60) { !daemon.isRunning })

            let output = try String(contentsOfFile: logPath, encoding: .utf8)
            if level == "debug" || level == "trace" { #expect(output.count > 200, "the daemon logged at \(level)") }
            for secret in Self.forbidden { #expect(!output.contains(secret), "\(level): \(secret) printed") }
            let bytesPrinted = Self.forbidden.map { "\(Array($0.utf8))".dropFirst().dropLast() }
            for bytes in bytesPrinted { #expect(!output.contains(bytes), "\(level): a secret printed as bytes") }
        }
    }
}
