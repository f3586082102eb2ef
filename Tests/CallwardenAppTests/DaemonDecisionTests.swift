import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import SQLiteStore
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The daemon (in this process, built as `serve` builds it) answering the PBX: a rule added with
/// `callwarden blocks add` in another process decides the next question, its removal lets the
/// caller through again, and every question is stored as a call event.
@Suite(.serialized)
struct DaemonDecisionTests {
    struct Answer: Decodable {
        var action: String
        var rule: Int64?
        var target: String?
    }

    static func ask(port: Int, caller: String) async throws -> Answer? {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/v1/decision")!
        components.queryItems = [
            URLQueryItem(name: "caller", value: caller), URLQueryItem(name: "callee", value: "1001"),
        ]
        guard let url = components.url else { return nil }
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONDecoder().decode(Answer.self, from: data)
    }

    @Test func rulesChangedByAnotherProcessDecideTheNextCall() async throws {
        let directory = try TestSupport.temporaryDirectory("daemon-decision")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                decision:
                  http: 127.0.0.1:0
                  request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
                """)
        try await TestSupport.withDaemon(config: config) { _, addresses in
            let port = TestSupport.port(addresses, "decision.http")
            #expect(port > 0)

            // Up and deciding (every listener is bound once the builder's daemon is ready): no rule
            // yet, so the caller is allowed.
            let first = try await Self.ask(port: port, caller: "07700900123")
            #expect(first?.action == "allow")
            #expect(first?.rule == nil)

            // A block added by another process is in force for the next question (the refresher follows
            // the store's rules revision; poll with a generous cap, no timing assertion).
            #expect(try await TestSupport.run(["blocks", "add", "07700900123", "--reason", "threats", "--by", "test", "--config", config]) == 0)
            var blocked: Answer?
            for _ in 0..<600 {
                blocked = try await Self.ask(port: port, caller: "+447700900123")
                if blocked?.action == "block" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(blocked?.action == "block")
            let ruleID = try #require(blocked?.rule)
            #expect(try await TestSupport.run(["blocks", "remove", "r\(ruleID)", "--reason", "resolved", "--by", "test", "--config", config]) == 0)
            var allowedAgain: Answer?
            for _ in 0..<600 {
                allowedAgain = try await Self.ask(port: port, caller: "07700900123")
                if allowedAgain?.action == "allow" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(allowedAgain?.action == "allow")

            // `redirects add` sends unidentified callers to the given line.
            #expect(
                try await TestSupport.run([
                    "redirects", "add", "unidentified", "--to", "02079460999", "--reason", "anonymous threats", "--by", "test",
                    "--config", config,
                ]) == 0)
            var redirected: Answer?
            for _ in 0..<600 {
                redirected = try await Self.ask(port: port, caller: "anonymous")
                if redirected?.action == "redirect" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(redirected?.action == "redirect")
            #expect(redirected?.target == "+442079460999")
        }
        // Every question the daemon answered is a stored call event (source `decision`).
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite")
        let events = try store.events(countedSince: Timestamp(microsecondsSinceEpoch: 0), limit: 10_000)
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0.source == .decisionRequest })
        #expect(events.contains { $0.caller.countedNumber?.description == "+447700900123" })
    }
}
