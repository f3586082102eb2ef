import CDRParsing
import CallModel
import CallwardenApp
import EventStreams
import Foundation
import Testing

/// The `push:`, `ami:`, `esl:` and `evapi:` sections: read strictly, every error names its key.
struct EventStreamConfigurationTests {
    @Test func everySectionIsRead() throws {
        let directory = try TestSupport.temporaryDirectory("stream-config")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret("s3cret", named: "push.secret", in: directory)
        try TestSupport.writeSecret("# the AMI secret\nami-secret", named: "ami.secret", in: directory)
        let yaml = """
            push:
              listeners:
                - tcp: 7070
                  secret_file: push.secret
                  window: 128
                - tcp: "[::1]:7071"
                  format: freeswitch-csv
                - unix: /run/callwarden/push.sock
                  format: asterisk-csv
                  idle_timeout: 30s
            ami:
              host: pbx.example
              username: callwarden
              secret_file: ami.secret
            esl:
              port: 8022
            evapi:
              reconnect_max: 10s
            """
        let streams = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: directory).streams
        #expect(streams.listeners.map(\.endpoint) == [
            .tcp(host: "127.0.0.1", port: 7070), .tcp(host: "::1", port: 7071), .unix(path: "/run/callwarden/push.sock"),
        ])
        #expect(streams.listeners.map(\.format) == [.jsonLines, .freeswitchCSV, .asteriskCSV])
        #expect(streams.listeners[0].secret == "s3cret")
        #expect(streams.listeners[0].window == 128)
        #expect(streams.listeners[2].idleTimeout == .seconds(30))
        #expect(streams.ami?.client.host == "pbx.example")
        #expect(streams.ami?.client.port == 5038)
        #expect(streams.ami?.secret == "ami-secret")
        #expect(streams.esl?.client.port == 8022)
        #expect(streams.esl?.password == "ClueCon")
        #expect(streams.evapi?.port == 8448)
        #expect(streams.evapi?.maximumBackoff == .seconds(10))
    }

    @Test func absentSectionsAreOff() throws {
        #expect(try CallwardenConfiguration.parse(yaml: "", baseDirectory: "/etc/callwarden").streams.isEmpty)
    }

    @Test func problemsNameTheirKeys() {
        let yaml = """
            push:
              listeners:
                - tcp: "localhost:http"
                - unix: relative.sock
                - format: cisco
                  tcp: 7070
                  windw: 3
            ami:
              host: 127.0.0.1
            esl:
              port: 99999
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/etc/callwarden")
        } throws: { error in
            let keys = Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? [])
            return keys == [
                "push.listeners[0].tcp", "push.listeners[1].unix", "push.listeners[2].format", "push.listeners[2].windw",
                "ami.username", "ami.secret_file", "esl.port",
            ]
        }
    }
}
