import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

/// Correcting a wrong block end to end: the daemon (in this process, as `serve` builds it) blocks
/// a home-care nurse who calls a ward often; ops run `callwarden blocks remove NUMBER
/// --false-positive` (the real binary, another process); the running daemon stops counting her
/// (no re-block, no alert), her incident is closed as a false positive, the removed rule is history
/// (`blocks list --all --json`, `blocks show`), and once ops remove her allow entry she starts again
/// at offence 1 instead of a longer block.
@Suite(.serialized)
struct FalsePositiveTests {
    static let nurse = "07700900123"
    static let nurseE164 = "+447700900123"
    static let control = "07700900456"

    /// Appends CDR lines and waits until the store holds `expected` events (a bound, not a timing assertion).
    static func append(_ lines: [String], to path: String, store: SQLiteStore, expecting expected: Int) async throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        #expect(await TestSupport.wait(upTo: 60) { (try? store.statistics().events) ?? 0 >= expected })
    }

    /// Five calls a minute apart from `caller`, starting at `start`; `index` keeps ids unique.
    static func burst(_ caller: String, start: Date, index: inout Int) -> [String] {
        (0..<5).map { minute in
            index += 1
            return TestSupport.asteriskLine(index: index, caller: caller, start: start.addingTimeInterval(Double(minute * 60)))
        }
    }

    /// Waits until the daemon's decision answer for `caller` satisfies `condition` (the rules
    /// refresher has published a change; the counting exemptions are posted before each publish).
    static func waitForDecision(
        port: Int, caller: String, _ condition: @escaping (DaemonDecisionTests.Answer) -> Bool
    ) async throws -> Bool {
        for _ in 0..<1_200 {
            if let answer = try await DaemonDecisionTests.ask(port: port, caller: caller), condition(answer) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func cli(_ arguments: [String], config: String) async throws -> (status: Int32, text: String, errors: String) {
        // Only commands that change something take --by.
        let by = ["remove", "add"].contains(arguments.dropFirst().first ?? "") ? ["--by", "ops:carol"] : []
        // Reads as ops, who see numbers in rules whole (CLIReaderTests: what others see).
        let reads = ["list", "show"].contains(arguments.dropFirst().first ?? "")
        let token = reads ? ["--token-file", try await TestSupport.tokenFile(role: "ops", config: config)] : []
        return try await TestSupport.output(arguments + by + ["--config", config] + token)
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test("blocks remove NUMBER --false-positive: no re-block, incident closed, history kept, escalation starts again at 1")
    func falsePositiveEndToEnd() async throws {
        let directory = try TestSupport.temporaryDirectory("false-positive")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdr = directory + "/Master.csv"
        FileManager.default.createFile(atPath: cdr, contents: nil)
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                cdr:
                  files:
                    - path: \(cdr)
                      format: asterisk-csv
                  poll_interval: 1s
                decision:
                  http: 127.0.0.1:0
                  request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
                logging:
                  level: warning
                """)
        let now = Date()
        var index = 0
        try await TestSupport.withDaemon(config: config) { daemon, addresses in
            let store = daemon.store
            let port = TestSupport.port(addresses, "decision.http")
            // Two bursts two hours apart: an alert, then a 24 h block (offence 2).
            try await Self.append(
                Self.burst(Self.nurse, start: now.addingTimeInterval(-5 * 3_600), index: &index)
                    + Self.burst(Self.nurse, start: now.addingTimeInterval(-3 * 3_600), index: &index),
                to: cdr, store: store, expecting: 10)
            #expect(await TestSupport.wait(upTo: 60) { ((try? store.detections(limit: 10)) ?? []).count >= 2 })
            let block = try #require(
                try store.rules(activeAt: WallClock.fixedNow(now), includeExpired: false).first { $0.action == .block })
            let blockID = try #require(block.id)
            #expect(try store.detections(limit: 10).map(\.offence).sorted() == [1, 2])

            // `remove 1` is a number, never rule r1: nothing is removed.
            let bare = try await Self.cli(["blocks", "remove", "\(blockID)", "--reason", "typo"], config: config)
            #expect(bare.status != 0)
            #expect(try store.rules(activeAt: WallClock.fixedNow(now), includeExpired: false).contains { $0.id == blockID })

            // The false positive, from another process.
            let removed = try await Self.cli(
                ["blocks", "remove", Self.nurseE164, "--false-positive", "--reason", "home-care nurse for ward 3"], config: config)
            #expect(removed.status == 0, "\(removed.errors)")
            #expect(removed.text.contains("removed rule r\(blockID)"))
            #expect(removed.text.contains("closed incident"))
            let incidents = try store.incidents(status: nil, limit: 10).filter { $0.identity == Self.nurseE164 }
            #expect(!incidents.isEmpty && incidents.allSatisfy { $0.status == .closed })

            // The running daemon answers `allow` by the new allow rule once the refresher has read it.
            let allowID = try #require(
                try store.rules(activeAt: WallClock.fixedNow(now), includeExpired: false).first { $0.action == .allow }?.id)
            #expect(allowID > blockID)
            #expect(try await Self.waitForDecision(port: port, caller: Self.nurse) { $0.action == "allow" && $0.rule == allowID })
            // One loop round after that (a line of a third caller) and the loop holds the exemptions.
            let questionsSoFar = try store.statistics().events
            try await Self.append(
                [TestSupport.asteriskLine(index: 900, caller: "07700900999", start: now)], to: cdr, store: store,
                expecting: questionsSoFar + 1)

            // She calls five more times (after the reset), as does another caller: only the other is detected.
            let detectionsBefore = try store.detections(limit: 100).count
            let eventsBefore = try store.statistics().events
            try await Self.append(
                Self.burst(Self.nurse, start: now.addingTimeInterval(60), index: &index)
                    + Self.burst(Self.control, start: now.addingTimeInterval(60), index: &index),
                to: cdr, store: store, expecting: eventsBefore + 10)
            #expect(await TestSupport.wait(upTo: 60) { ((try? store.detections(limit: 100)) ?? []).count > detectionsBefore })
            let detections = try store.detections(limit: 100)
            #expect(detections.filter { $0.caller?.description == "+447700900456" }.count == 1)
            #expect(detections.filter { $0.caller?.description == Self.nurseE164 }.count == 2, "no new episode for the nurse")
            #expect(try store.rules(activeAt: WallClock.fixedNow(now), includeExpired: false)
                .filter { $0.match == .number(E164Number(e164: Self.nurseE164)!) }.map(\.action) == [.allow])

            // The removed block is history: listed with --all, shown with who, why and its detection.
            let list = try await Self.cli(["blocks", "list", "--all", "--json"], config: config)
            #expect(list.status == 0, "\(list.errors)")
            let rules = try #require(try Self.json(list.text) as? [[String: Any]], "\(list.text)")
            let removedRule = try #require(rules.first { ($0["id"] as? Int64) == blockID || ($0["id"] as? Int) == Int(blockID) })
            #expect(removedRule["status"] as? String == "removed")
            #expect(removedRule["match"] as? String == Self.nurseE164)
            let removal = try #require(removedRule["removal"] as? [String: Any])
            #expect(removal["by"] as? String == "ops:carol")
            #expect(removal["false_positive"] as? Bool == true)
            let shown = try await Self.cli(["blocks", "show", "r\(blockID)", "--json"], config: config)
            let details = try #require(try Self.json(shown.text) as? [[String: Any]])
            let detail = try #require(details.first)
            #expect((detail["detections"] as? [[String: Any]])?.first?["offence"] as? Int == 2)
            #expect((detail["incidents"] as? [[String: Any]])?.allSatisfy { $0["outcome"] as? String == "false-positive" } == true)
            let text = try await Self.cli(["blocks", "show", "r\(blockID)"], config: config)
            #expect(text.text.contains("removed as a false positive by ops:carol"))

            // Ops take her off the allow list. A marker rule added afterwards shows the refresher has
            // read both changes (without asking about her: a question would count as her call).
            #expect(try await Self.cli(["blocks", "remove", "r\(allowID)", "--reason", "contract ended"], config: config).status == 0)
            #expect(try await Self.cli(["blocks", "add", "07700900777", "--reason", "marker"], config: config).status == 0)
            #expect(try await Self.waitForDecision(port: port, caller: "07700900777") { $0.action == "block" })
            let markerQuestions = try store.statistics().events
            try await Self.append(
                [TestSupport.asteriskLine(index: 901, caller: "07700900998", start: now)], to: cdr, store: store,
                expecting: markerQuestions + 1)
            let beforeLast = try store.detections(limit: 100).count
            let eventsBeforeLast = try store.statistics().events
            try await Self.append(
                Self.burst(Self.nurse, start: now.addingTimeInterval(600), index: &index), to: cdr, store: store,
                expecting: eventsBeforeLast + 5)
            #expect(await TestSupport.wait(upTo: 60) { ((try? store.detections(limit: 100)) ?? []).count > beforeLast })
            let newest = try #require(
                try store.detections(limit: 100).filter { $0.caller?.description == Self.nurseE164 }.max { $0.first < $1.first })
            #expect(newest.offence == 1, "escalation was reset: offence 1, not 3")
            #expect(newest.action == .alert)
        }
    }
}

extension WallClock {
    /// `date` as a timestamp (the test's "now" for reading rules in force).
    static func fixedNow(_ date: Date) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64(date.timeIntervalSince1970 * 1_000_000))
    }
}
