import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Logging
import SQLiteStore
import Testing

/// `replay` counts into a ``ReplayTally`` by default and writes a SQLite store only with
/// `--store PATH`: both must give the same report, to the byte, and the tally must count and upsert
/// exactly as the store does.
@Suite("replay: the tally and --store")
struct ReplayTallyTests {
    static func runner(config: String) throws -> ReplayRunner {
        let configuration = try CallwardenConfiguration.load(path: TestSupport.packageRoot + "/" + config)
        return ReplayRunner(configuration: configuration, format: nil, logger: Logger(label: "test"))
    }

    static let cases: [(config: String, files: [String])] = [
        ("Captures/sip/callwarden.yaml", ["Captures/sip/repeat-caller.pcap"]),
        (
            "Captures/sip/callwarden.yaml",
            ["Captures/sip/number-hopping.pcap", "Captures/sip/anonymous.pcap", "Captures/sip/withheld-pai.pcap"]
        ),
        ("Config/callwarden.yaml", ["Captures/cdr/asterisk/week.csv"]),
        // A CDR file, then a capture, then another CDR file: the processor passes between threads.
        ("Captures/sip/callwarden.yaml", ["Captures/cdr/freeswitch/day.csv", "Captures/sip/repeat-caller.pcap", "Captures/cdr/jsonl/day.jsonl"]),
    ]

    @Test("the tally's report is the SQLite store's, to the byte (JSON and table)", arguments: 0..<cases.count)
    func tallyMatchesStore(_ index: Int) throws {
        let (config, files) = Self.cases[index]
        let paths = files.map { TestSupport.packageRoot + "/" + $0 }
        let runner = try Self.runner(config: config)
        let directory = try TestSupport.temporaryDirectory("replay-tally")
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let tallied = try runner.run(paths: paths)
        let stored = try runner.run(paths: paths, storeAt: directory + "/replay.sqlite")

        #expect(tallied.events > 0 && tallied.calls > 0)
        #expect(!tallied.detections.isEmpty, "a case without detections would not compare the upserts")
        #expect(tallied.json() == stored.json())
        #expect(tallied.table() == stored.table())
        #expect(tallied.detections == stored.detections)
    }

    @Test("calls are distinct by their bytes and detections upserted by episode key, as SQLite stores them")
    func countsLikeTheStore() throws {
        let start = Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000)
        func call(_ id: String, _ seconds: Int64) -> CallEvent {
            CallEvent(
                time: start + .seconds(seconds + 30), callID: id, source: .asteriskCSV, phase: .ended, disposition: .noAnswer,
                callStart: start + .seconds(seconds), duration: .seconds(30),
                caller: CallerIdentity(raw: "+447700900123", number: E164Number(e164: "+447700900123")),
                callee: CalledParty(raw: "1001", key: "1001"))
        }
        func detection(first: Int64, last: Int64, calls: Int, target: String = "1001") -> Detection {
            Detection(
                kind: .repeatCaller, caller: E164Number(e164: "+447700900123"), callers: [E164Number(e164: "+447700900123")!],
                target: target, calls: calls, first: start + .seconds(first), last: start + .seconds(last), action: .alert,
                callIDs: ["a"])
        }
        // "é" precomposed and decomposed: equal as Swift strings, two values to SQLite.
        var first = IngestBatch()
        first.events = [call("call-\u{E9}", 0), call("call-e\u{301}", 10), call("call-\u{E9}", 20), call("plain", 30)]
        first.detections = [detection(first: 0, last: 20, calls: 3), detection(first: 5, last: 40, calls: 3, target: "1002")]
        first.malformedCount = 2
        var second = IngestBatch()
        second.events = [call("plain", 40)]
        // The first episode again, later (its row stays where it was inserted), and a third episode
        // with the same `last` as the second (the later-inserted comes first).
        second.detections = [detection(first: 0, last: 50, calls: 4), detection(first: 7, last: 40, calls: 3, target: "1003")]
        second.malformedCount = 1

        let tally = ReplayTally()
        let directory = try TestSupport.temporaryDirectory("replay-tally")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/store.sqlite")
        for batch in [first, second] {
            try tally.commit(batch)
            try store.commit(batch)
        }
        let counted = try tally.statistics()
        #expect(counted.events == 5 && counted.calls == 3 && counted.malformed == 3 && counted.detections == 3)
        let stored = try store.statistics()
        #expect((counted.events, counted.calls, counted.malformed) == (stored.events, stored.calls, stored.malformed))
        let detections = try tally.detections(limit: .max)
        #expect(detections.map(\.calls) == [4, 3, 3])
        #expect(detections.map(\.target) == ["1001", "1003", "1002"])
        #expect(detections == (try store.detections(limit: .max)))
        #expect(try tally.detections(limit: 2) == (try store.detections(limit: 2)))
    }

    @Test("--store writes a new SQLite store and keeps it; an existing path is refused and left alone")
    func storeOption() async throws {
        let directory = try TestSupport.temporaryDirectory("replay-store")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/replay.sqlite"
        let runner = try Self.runner(config: "Captures/sip/callwarden.yaml")
        let capture = TestSupport.packageRoot + "/Captures/sip/repeat-caller.pcap"

        let report = try runner.run(paths: [capture], storeAt: path)
        let kept = try SQLiteStore(path: path)
        let statistics = try kept.statistics()
        #expect(report.events > 0)
        #expect(statistics.events == report.events && statistics.calls == report.calls)
        #expect(try kept.detections(limit: .max).count == report.detections.count)
        try kept.close()

        #expect(throws: ConfigurationError.self) { try runner.run(paths: [capture], storeAt: path) }
        let again = try SQLiteStore(path: path)
        #expect(try again.statistics().events == report.events, "nothing was added to the existing store")
        try again.close()

        let arguments = ["replay", "--json", "--config", TestSupport.packageRoot + "/Captures/sip/callwarden.yaml"]
        let counted = try await TestSupport.output(arguments + [capture])
        let written = try await TestSupport.output(arguments + ["--store", directory + "/cli.sqlite", capture])
        #expect(counted.status == 0 && written.status == 0)
        #expect(!counted.text.isEmpty && written.text == counted.text)
        #expect(try SQLiteStore(path: directory + "/cli.sqlite").statistics().events == report.events)
        let refused = try await TestSupport.output(arguments + ["--store", directory + "/cli.sqlite", capture])
        #expect(refused.status != 0 && refused.errors.contains("already exists"))
    }
}
