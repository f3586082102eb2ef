import Foundation
import MetricsExposition
import NIOCore
import PacketTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `callwarden serve` as a child process with a CDR file, the decision service, a HEP listener and
/// a metrics listener: good and malformed input on real sockets shows up in `GET /metrics` with the
/// right values, the text is valid exposition format (checked by promtool when installed), and the
/// metrics listener serves the same registry.
@Suite(.serialized)
struct DaemonMetricsTests {
    static func get(port: Int, path: String) async -> String? {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)"),
            let (data, response) = try? await URLSession.shared.data(from: url),
            (response as? HTTPURLResponse)?.statusCode == 200
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The value of one series (`name{label="value"}` exactly as rendered), nil when absent.
    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// The sum over every series of `family` whose labels include `labels` (e.g. all reasons).
    static func sum(_ family: String, with labels: String, in text: String) -> Double {
        text.split(separator: "\n")
            .filter { $0.hasPrefix(family + "{") && $0.contains(labels) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    /// Structural rules checked without promtool: one HELP and one TYPE per family, every sample
    /// under its family's header, `callwarden_` names, `_total` exactly on counters.
    static func structuralProblems(_ text: String) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        var family = ""
        var type = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            if line.hasPrefix("# HELP ") {
                family = parts[2]
                if !seen.insert(family).inserted { problems.append("second HELP for \(family)") }
                if !family.hasPrefix("callwarden_") { problems.append("\(family) lacks the callwarden_ prefix") }
            } else if line.hasPrefix("# TYPE ") {
                type = parts.count > 3 ? parts[3] : ""
                if parts[2] != family { problems.append("TYPE \(parts[2]) not after its HELP") }
                if (type == "counter") != family.hasSuffix("_total") { problems.append("\(family): \(type) and its name disagree") }
            } else {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                if name != family { problems.append("sample \(name) outside its family") }
            }
        }
        return problems
    }

    @Test("the daemon: /metrics shows HEP, SIP, CDR, decision and ingest counters with the right values; promtool accepts it")
    func metricsOfARunningDaemon() async throws {
        let directory = try TestSupport.temporaryDirectory("daemon-metrics")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdrPath = directory + "/Master.csv"
        let start = Date(timeIntervalSince1970: 1_768_200_000)
        let lines = [
            TestSupport.asteriskLine(index: 1, caller: "07700900101", start: start),
            "this is not a CDR line",
            TestSupport.asteriskLine(index: 2, caller: "07700900102", start: start.addingTimeInterval(600)),
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: cdrPath, atomically: true, encoding: .utf8)
        try TestSupport.writeSecret("s3cret", named: "hep.key", in: directory)
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(cdrPath)
                      format: asterisk-csv
                      start: beginning
                decision:
                  http: 127.0.0.1:0
                  request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
                metrics:
                  http: 127.0.0.1:0
                hep:
                  address: 127.0.0.1
                  port: 0
                  transport: udp
                  auth_key_file: hep.key
                logging:
                  level: warning
                """)
        try await TestSupport.withDaemon(config: config) { _, addresses in
            try await Self.checkMetrics(addresses: addresses, cdrPath: cdrPath)
        }
    }

    /// The body of ``metricsOfARunningDaemon()``, run while the daemon is up (a function of its
    /// own: the 6.3.1 compiler's region checker crashes on it as one closure).
    static func checkMetrics(addresses: [String: SocketAddress], cdrPath: String) async throws {
        // Every listener is bound once the daemon is ready (the HEP socket at build time), so nothing sent is lost.
        let decisionPort = TestSupport.port(addresses, "decision.http")
        let metricsPort = TestSupport.port(addresses, "metrics.http")
        let hepPort = UInt16(TestSupport.port(addresses, "hep.udp"))
        try #require(decisionPort > 0 && metricsPort > 0 && hepPort > 0, "bound: \(addresses)")

        let sender = ServeSIPTests.openUDP()
        defer { close(sender.descriptor) }
        for (index, message) in ServeSIPTests.call("metrics-hep@127.0.0.1", caller: "07700900555").enumerated() {
            let fromCaller = [0, 3, 4].contains(index)
            ServeSIPTests.send(
                HEPBuilder.sipVersion3(
                    source: fromCaller ? "192.0.2.10" : "192.0.2.20", destination: fromCaller ? "192.0.2.20" : "192.0.2.10",
                    authKey: "s3cret", payload: message),
                from: sender.descriptor, to: hepPort)
        }
        // Valid HEP carrying something that is not SIP; HEP cut short; HEP with the wrong key.
        ServeSIPTests.send(
            HEPBuilder.sipVersion3(authKey: "s3cret", payload: Array("NOT A SIP MESSAGE\r\n\r\n".utf8)), from: sender.descriptor,
            to: hepPort)
        ServeSIPTests.send(Array("HEP3garbage".utf8), from: sender.descriptor, to: hepPort)
        ServeSIPTests.send(
            HEPBuilder.sipVersion3(authKey: "wrong", payload: SIPMessages.request(callID: "metrics-bad-key@127.0.0.1")),
            from: sender.descriptor, to: hepPort)
        let decision = await Self.get(port: decisionPort, path: "/v1/decision?caller=07700900777&callee=1001")
        #expect(decision?.contains("\"action\":\"allow\"") == true)

        // Wait (bounded) until everything sent is counted and committed, then check exact values.
        var text = ""
        var settled = false
        for _ in 0..<600 where !settled {
            text = await Self.get(port: decisionPort, path: "/metrics") ?? ""
            let sipEvents = Self.value("callwarden_sip_events_total{source=\"sip:hep\"}", in: text) ?? 0
            settled =
                Self.value("callwarden_hep_datagrams_total{transport=\"udp\"}", in: text) == 9
                && Self.value("callwarden_sip_messages_total{source=\"sip:hep\"}", in: text) == 6
                && sipEvents > 0
                && Self.value("callwarden_pushed_events_committed_total{source=\"sip:hep\"}", in: text) == sipEvents
                && Self.value("callwarden_pushed_events_committed_total{source=\"decision\"}", in: text) == 1
                && Self.value("callwarden_cdr_lines_total{file=\"\(cdrPath)\"}", in: text) == 3
            if !settled { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(settled, "counters settle:\n\(text)")

        // HEP listener: every datagram counted, drops by reason, the rest queued.
        #expect(Self.value("callwarden_hep_payloads_queued_total{transport=\"udp\"}", in: text) == 7)
        #expect(Self.value("callwarden_hep_dropped_total{transport=\"udp\",reason=\"hep_length_mismatch\"}", in: text) == 1)
        #expect(Self.value("callwarden_hep_dropped_total{transport=\"udp\",reason=\"hep_auth_key_mismatch\"}", in: text) == 1)
        #expect(Self.value("callwarden_hep_queue_dropped_total{transport=\"udp\"}", in: text) == 0)
        #expect(Self.value("callwarden_hep_queue_depth{transport=\"udp\"}", in: text) == 0)
        // SIP source: the call parsed and tracked, the non-SIP payload counted as malformed.
        #expect(Self.value("callwarden_sip_payloads_total{source=\"sip:hep\"}", in: text) == 7)
        #expect(Self.value("callwarden_sip_dialogs_started_total{source=\"sip:hep\"}", in: text) == 1)
        #expect(Self.value("callwarden_sip_retransmissions_total{source=\"sip:hep\"}", in: text) == 0)
        #expect(Self.sum("callwarden_sip_malformed_total", with: "source=\"sip:hep\"", in: text) == 1)
        // CDR file: three lines, one malformed, two events stored.
        #expect(Self.value("callwarden_cdr_malformed_lines_total{file=\"\(cdrPath)\"}", in: text) == 1)
        #expect(Self.value("callwarden_cdr_events_committed_total{file=\"\(cdrPath)\"}", in: text) == 2)
        // Decision service and its event queue.
        #expect(Self.value("callwarden_decision_requests_total{transport=\"http\"}", in: text) == 1)
        #expect(Self.value("callwarden_decisions_total{action=\"allow\"}", in: text) == 1)
        #expect(Self.value("callwarden_event_queue_accepted_total{queue=\"decision\"}", in: text) == 1)
        #expect(Self.value("callwarden_event_queue_dropped_total{queue=\"decision\"}", in: text) == 0)
        #expect(Self.value("callwarden_ingest_commit_failures_total", in: text) == 0)
        #expect((Self.value("callwarden_ingest_last_round_timestamp_seconds", in: text) ?? 0) > 1_700_000_000)

        #expect(Self.structuralProblems(text) == [])
        if Promtool.shouldRun {
            let check = try Promtool.checkMetrics(text)
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }

        // The metrics listener serves the same registry, and /healthz.
        #expect(await Self.get(port: metricsPort, path: "/healthz") == "ok\n")
        let fromListener = await Self.get(port: metricsPort, path: "/metrics") ?? ""
        #expect(Self.value("callwarden_hep_datagrams_total{transport=\"udp\"}", in: fromListener) == 9)
        #expect(Self.value("callwarden_cdr_malformed_lines_total{file=\"\(cdrPath)\"}", in: fromListener) == 1)
    }

    @Test(
        "promtool accepts what the renderer writes for awkward label values and help texts",
        .enabled(if: Promtool.shouldRun, "needs Debian's prometheus for promtool (scripts/install-evidence-test-packages)"))
    func promtoolAcceptsEscapes() throws {
        var collector = MetricsCollector()
        for file in ["/var/log/a\\b.csv", "/var/log/\"quoted\".csv", "/var/log/new\nline.csv", "/var/log/ünïcode.csv"] {
            collector.counter(
                "callwarden_cdr_malformed_lines_total", help: "Malformed \\ lines\nby \"file\".", labels: ["file": file],
                value: 1)
        }
        collector.gauge("callwarden_odd_values", help: "NaN and infinities.", labels: ["v": "nan"], value: .nan)
        collector.gauge("callwarden_odd_values", help: "NaN and infinities.", labels: ["v": "inf"], value: .infinity)
        collector.gauge("callwarden_odd_values", help: "NaN and infinities.", labels: ["v": "fraction"], value: 0.125)
        let check = try Promtool.checkMetrics(PrometheusTextFormat.render(collector.families))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
    }
}
