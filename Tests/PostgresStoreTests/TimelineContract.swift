import CallModel
import CallwardenPorts
import Incidents
import PostgresStore
import SQLiteStore
import Testing

/// The contract of an incident's timeline (the API's and console's incident view), run against
/// each backend. MCID flags are not on PostgreSQL yet, so no flag is made here.
enum TimelineContract {
    static func timeline(_ store: any ContractStore, _ id: Int64) throws -> IncidentTimeline? {
        switch store {
        case let sqlite as SQLiteStore: try sqlite.timeline(incidentID: id)
        case let postgres as PostgresStore: try postgres.timeline(incidentID: id)
        default: throw TestServerError(message: "a store of an unknown type")
        }
    }

    static func addNote(_ store: any ContractStore, _ id: Int64, _ note: String, at seconds: Int64) throws {
        switch store {
        case let sqlite as SQLiteStore: try sqlite.addNote(incidentID: id, actor: "token:ops\u{0}x", note: note, at: Fixture.time(seconds))
        case let postgres as PostgresStore:
            try postgres.addNote(incidentID: id, actor: "token:ops\u{0}x", note: note, at: Fixture.time(seconds))
        default: throw TestServerError(message: "a store of an unknown type")
        }
    }

    static func timelineHasTheIncidentsCallsDetectionsRulesRecordingsAndLog(_ subject: StoreUnderTest) throws {
        let store = subject.store
        // Ten calls from Fixture.caller, their detection, its incident and its block rule.
        let block = try PeopleContract.committedDetectionBlock(in: store)
        let incident = try #require(try PeopleContract.incidents(of: store).first)
        // A second witness of one call (another source), an unrelated call, a rule on another number.
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: Fixture.time(225), callID: "fp-3", source: .asteriskCSV, phase: .ended, disposition: .answered,
                callStart: Fixture.time(180), duration: .seconds(45),
                caller: CallerIdentity(raw: "07700900123", number: Fixture.caller), callee: CalledParty(raw: "1001", key: "1001")),
            Fixture.minimalEvent(callID: "other", at: 100),
        ]
        try store.commit(batch)
        _ = try store.addRule(
            Rule(match: .number(CallSearchContract.other), action: .block, reason: "r", createdBy: "cli:alice", createdAt: Fixture.time(0)),
            actor: "cli:alice")
        let recordings = try RecordingContract.ports(store)
        let recording = try recordings.linkRecording(RecordingContract.recording("fp-3", "/rec/fp-3\u{0}.wav", at: 180))
        _ = try recordings.linkRecording(RecordingContract.recording("other", "/rec/other.wav", at: 100))
        try addNote(store, incident.id, "called the police\u{0}twice", at: 700)

        let timeline = try #require(try timeline(store, incident.id))
        // The incident as it is now (the note moved its last change).
        #expect(timeline.incident == (try PeopleContract.incidents(of: store).first { $0.id == incident.id }))
        #expect(timeline.calls.map(\.callID) == (0..<10).map { "fp-\($0)" })
        let merged = try #require(timeline.calls.first { $0.callID == "fp-3" })
        #expect(merged.witnesses.count == 2)
        #expect(merged.disposition == .answered)
        #expect(merged.caller.number == Fixture.caller)
        #expect(timeline.detections.map(\.callIDs) == [(0..<10).map { "fp-\($0)" }])
        #expect(timeline.decisions.map(\.ruleID) == [try #require(block.id)])
        #expect(timeline.decisions.first?.reason == block.reason)
        #expect(timeline.recordings == [recording])
        #expect(timeline.flags.isEmpty)
        #expect(timeline.log.last == IncidentLogEntry(time: Fixture.time(700), actor: "token:ops\u{0}x", action: "note", note: "called the police\u{0}twice"))
        #expect(timeline.log.map(\.action) == ["opened", "note"])

        #expect(try Self.timeline(store, 9_999) == nil)
    }

    static func unidentifiedIncidentShowsTheRulesForItsTarget(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let target = "10\u{0}01"
        var batch = IngestBatch()
        batch.events = (0..<4).map { Fixture.minimalEvent(callID: "anon-\($0)", at: Int64($0) * 60) }
        batch.detections = [
            Detection(
                kind: .anonymous, caller: nil, callers: [], target: target, calls: 4, first: Fixture.time(0), last: Fixture.time(180),
                action: .alert, actionExpires: nil, offence: 1, callIDs: (0..<4).map { "anon-\($0)" })
        ]
        try store.commit(batch)
        let incident = try #require(try PeopleContract.incidents(of: store).first)
        #expect(incident.identity == IncidentKey.unidentified)
        func rule(scope: String?) throws -> Int64 {
            try #require(
                try store.addRule(
                    Rule(match: .unidentified, scope: scope, action: .block, reason: "withheld", createdBy: "cli:alice", createdAt: Fixture.time(0)),
                    actor: "cli:alice"
                ).id)
        }
        let scoped = try rule(scope: target)
        _ = try rule(scope: "10")  // the target cut at its NUL: another scope
        let everywhere = try rule(scope: nil)
        _ = try store.addRule(Fixture.blockRule(), actor: "cli:alice")

        let found = try #require(try timeline(store, incident.id))
        #expect(found.decisions.map(\.ruleID) == [scoped, everywhere])
        #expect(found.calls.map(\.callID) == (0..<4).map { "anon-\($0)" })
        #expect(found.recordings.isEmpty)
    }
}

@Suite("Incident timeline contract on SQLite")
struct SQLiteTimelineContractTests {
    @Test func timeline() throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try TimelineContract.timelineHasTheIncidentsCallsDetectionsRulesRecordingsAndLog(subject)
    }

    @Test func unidentified() throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try TimelineContract.unidentifiedIncidentShowsTheRulesForItsTarget(subject)
    }
}

@Suite("Incident timeline contract on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresTimelineContractTests {
    @Test func timeline() throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try TimelineContract.timelineHasTheIncidentsCallsDetectionsRulesRecordingsAndLog(subject)
    }

    @Test func unidentified() throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try TimelineContract.unidentifiedIncidentShowsTheRulesForItsTarget(subject)
    }
}
