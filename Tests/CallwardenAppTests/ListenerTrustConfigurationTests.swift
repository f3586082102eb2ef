import CallModel
import CallwardenApp
import DecisionService
import EventStreams
import Foundation
import Testing

/// Whom the daemon believes and which listeners it refuses (issue 10): PBX credentials from private
/// files, and every listener off loopback without authentication refused by check-config and
/// serve alike, naming its key and address.
@Suite("Listener trust configuration", .serialized)
struct ListenerTrustConfigurationTests {
    @Test("decision.pbx: tokens from private files, sources, assert_identity")
    func pbxCredentials() throws {
        let directory = try TestSupport.temporaryDirectory("pbx-credentials")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try TestSupport.writeSecret("kamailio-token-4f8d2c61", named: "kamailio.token", in: directory)
        let yaml = """
            decision:
              http: 0.0.0.0:8750
              agi: 0.0.0.0:4573
              max_connections_per_source: 32
              request_timeout: 3s
              pbx:
                - name: kamailio
                  token_file: kamailio.token
                  assert_identity: true
                - name: asterisk
                  sources: ["192.0.2.20", "2001:db8:0:0::20"]
            """
        let configuration = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: directory)
        let trust = configuration.decision.trust
        #expect(trust.credentials.map(\.name) == ["kamailio", "asterisk"])
        #expect(trust.credentials[0].token == Secret("kamailio-token-4f8d2c61"))
        #expect(trust.credentials[0].assertsIdentity)
        #expect(trust.credentials[1].sources == ["192.0.2.20", "2001:db8::20"])
        #expect(!trust.credentials[1].assertsIdentity)
        #expect(configuration.decision.agi?.maximumSessionsPerSource == 32)
        #expect(configuration.decision.agi?.requestTimeout == .seconds(3))
    }

    @Test("every listener off loopback without authentication is refused, naming key and address")
    func refusals() throws {
        let yaml = """
            decision:
              http: 0.0.0.0:8750
              agi: "[::]:4573"
            push:
              listeners:
                - tcp: 0.0.0.0:7070
                - unix: /run/callwarden/push.sock
                - tcp: 127.0.0.1:7071
            hep:
              address: 0.0.0.0
            metrics:
              http: 192.0.2.5:9750
            api:
              listen: 0.0.0.0:8751
            """
        let errors: ConfigurationErrors
        do {
            _ = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/")
            Issue.record("accepted")
            return
        } catch let thrown as ConfigurationErrors {
            errors = thrown
        }
        let byKey = Dictionary(grouping: errors.errors, by: \.key)
        #expect(byKey["decision.http"]?.first?.reason.contains("0.0.0.0:8750 is off loopback without authentication") == true)
        #expect(byKey["decision.agi"]?.first?.reason.contains(":::4573 is off loopback") == true)
        #expect(byKey["push.listeners[0].tcp"]?.first?.reason.contains("0.0.0.0:7070 is off loopback") == true)
        #expect(byKey["push.listeners[1].tcp"] == nil && byKey["push.listeners[2].tcp"] == nil)
        #expect(byKey["hep.address"]?.first?.reason.contains("0.0.0.0:9060 is off loopback") == true)
        #expect(byKey["metrics.http"]?.first?.reason.contains("192.0.2.5:9750 is off loopback") == true)
        // The people's listener is never unauthenticated (every request needs a named token), so
        // it may listen off loopback.
        #expect(byKey["api.listen"] == nil)
        #expect(errors.errors.count == 5)
    }

    @Test("FastAGI off loopback needs a credential with sources; a token alone does not do")
    func agiNeedsSources() throws {
        let directory = try TestSupport.temporaryDirectory("agi-sources")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try TestSupport.writeSecret("kamailio-token-4f8d2c61", named: "pbx.token", in: directory)
        let tokenOnly = """
            decision:
              http: 0.0.0.0:8750
              agi: 0.0.0.0:4573
              pbx:
                - token_file: pbx.token
            """
        #expect(throws: ConfigurationErrors.self) { try CallwardenConfiguration.parse(yaml: tokenOnly, baseDirectory: directory) }
        let withSources = tokenOnly + "\n      sources: [\"192.0.2.20\"]\n"
        #expect(try CallwardenConfiguration.parse(yaml: withSources, baseDirectory: directory).decision.agi?.host == "0.0.0.0")
    }

    @Test("check-config exits 1 naming the unauthenticated listener")
    func checkConfigRefuses() async throws {
        let directory = try TestSupport.temporaryDirectory("check-config-exposed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try TestSupport.writeConfiguration(in: directory, sections: "decision:\n  http: 0.0.0.0:8750\n")
        let logPath = directory + "/output.log"
        let check = try TestSupport.launch(["check-config", config], logPath: logPath)
        await TestSupport.exit(of: check)
        #expect(check.terminationStatus == 1)
        let output = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(output.contains("decision.http: 0.0.0.0:8750 is off loopback without authentication"))
    }
}
