import CDRIngest
import CallModel
import CallwardenApp
import Testing

struct ConfigurationTests {
    @Test func theShippedConfigurationIsValid() throws {
        let configuration = try CallwardenConfiguration.load(path: TestSupport.packageRoot + "/Config/callwarden.yaml")
        #expect(configuration.plan.countryCode == "44")
        #expect(configuration.timeZone.name == "Europe/London")
        #expect(configuration.detection.customers.contains(E164Number(e164: "+441134960500")!))
        #expect(configuration.detection.allowExtensions.contains("999"))
        #expect(configuration.crisisLine == "+442079460999")
    }

    @Test func everyProblemIsReportedWithItsKeyAndReason() {
        let yaml = """
            store:
              paht: /tmp/x
            numbering:
              country: XX
              extension_digits: 9-3
            detection:
              repeat_caller:
                threshold: one
                window: 30x
              escalation:
                ladder: [alert, redirect]
              customers: ["not a number"]
            cdr:
              files:
                - format: asterisk-csv
                - path: /tmp/b.csv
                  format: cisco
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/etc/callwarden")
        } throws: { error in
            let keys = Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? [])
            return keys == [
                "store.paht", "numbering.country", "numbering.extension_digits", "detection.repeat_caller.threshold",
                "detection.repeat_caller.window", "detection.escalation.ladder", "detection.customers[0]",
                "cdr.files[0].path", "cdr.files[1].format",
            ]
        }
    }

    @Test func theMetricsListenerIsOffByDefaultAndTakesAPortOrHostPort() throws {
        #expect(CallwardenConfiguration.defaults.metrics.http == nil)
        let port = try CallwardenConfiguration.parse(yaml: "metrics:\n  http: 9750\n", baseDirectory: "/")
        #expect(port.metrics.http?.host == "127.0.0.1")
        #expect(port.metrics.http?.port == 9750)
        let hostPort = try CallwardenConfiguration.parse(yaml: "metrics:\n  http: \"[::1]:9751\"\n", baseDirectory: "/")
        #expect(hostPort.metrics.http?.host == "::1")
        #expect(try CallwardenConfiguration.parse(yaml: "metrics:\n  http: off\n", baseDirectory: "/").metrics.http == nil)
        #expect {
            try CallwardenConfiguration.parse(yaml: "metrics:\n  http: somewhere\n  listen: 1\n", baseDirectory: "/")
        } throws: { error in
            Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? []) == ["metrics.http", "metrics.listen"]
        }
    }

    @Test func notYAMLIsOneClearError() {
        #expect(throws: ConfigurationError.self) {
            try CallwardenConfiguration.parse(yaml: "store: [unclosed", baseDirectory: "/")
        }
    }

    @Test func relativePathsResolveAgainstTheConfigurationDirectory() throws {
        let configuration = try CallwardenConfiguration.parse(
            yaml: "store:\n  path: data/cw.sqlite\ncdr:\n  files:\n    - path: Master.csv\n", baseDirectory: "/etc/callwarden")
        #expect(configuration.storePath == "/etc/callwarden/data/cw.sqlite")
        #expect(configuration.cdrFiles.map(\.path) == ["/etc/callwarden/Master.csv"])
        #expect(configuration.cdrFiles.first?.format == nil)
    }

    @Test func overridesOfTheNumberPlanApply() throws {
        let configuration = try CallwardenConfiguration.parse(
            yaml: "numbering:\n  country: FI\n  extension_digits: 3-5\n  international_prefixes: ['00', '999']\n",
            baseDirectory: "/")
        #expect(configuration.plan.extensionLengths == 3...5)
        #expect(configuration.plan.internationalPrefixes == ["999", "00"])
        #expect(configuration.plan.normalise("040 123 4567").e164?.description == "+358401234567")
    }
}
