import CallModel
import CallwardenPorts
import Incidents
import PostgresStore
import SQLiteStore
import Testing

/// The contract of linking recordings to calls, run against each backend.
enum RecordingContract {
    static func ports(_ store: any ContractStore) throws -> any RecordingStore {
        guard let ports = store as? any RecordingStore else { throw TestServerError(message: "the store keeps no recordings") }
        return ports
    }

    static let hash = String(repeating: "0123456789abcdef", count: 4)

    static func recording(_ callID: String, _ location: String, sha256: String? = hash, at seconds: Int64 = 0) -> NewRecording {
        NewRecording(
            callID: callID, location: location, origin: .file, size: 4_096, sha256: sha256, recordedAt: Fixture.time(seconds),
            linkedAt: Fixture.time(seconds + 60), actor: "watcher\u{0}x")
    }

    static func recordingsAreLinkedOnceWithTheirHash(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let recordings = try ports(store)
        let first = try recordings.linkRecording(recording("call\u{0}1", "  /rec/a\u{0}b.wav "))
        #expect(first.callID == "call\u{0}1")
        #expect(first.location == "/rec/a\u{0}b.wav")
        #expect(first.sha256 == hash && first.size == 4_096 && first.origin == .file)
        #expect(first.recordedAt == Fixture.time(0) && first.linkedAt == Fixture.time(60))

        // The same location again: the stored one, unchanged (the first hash is the evidence).
        let again = try recordings.linkRecording(recording("call-2", "/rec/a\u{0}b.wav", sha256: String(repeating: "f", count: 64), at: 500))
        #expect(again == first)
        // A location differing after the NUL is another recording; a long one is kept whole.
        let long = "/rec/" + String(repeating: "é", count: 3_990)
        let second = try recordings.linkRecording(recording("call\u{0}1", "/rec/a\u{0}c.wav", sha256: nil, at: 100))
        let third = try recordings.linkRecording(
            NewRecording(
                callID: "c3", location: long, origin: .uri, size: nil, sha256: nil, recordedAt: nil, linkedAt: Fixture.time(200),
                actor: "token:ops"))
        #expect(second.sha256 == nil && second.id != first.id)
        #expect(third.location == long && third.size == nil && third.recordedAt == nil && third.origin == .uri)
        #expect(try recordings.recordings(limit: 10) == [first, second, third])
        #expect(try recordings.recordings(limit: 2) == [first, second])
        #expect(try recordings.recordings(limit: -1).isEmpty)

        // Refused, nothing written: empty, too long, a hash that is not 64 lower-case hex digits.
        #expect(throws: IncidentChangeError.self) { try recordings.linkRecording(recording(" ", "/rec/x.wav")) }
        #expect(throws: IncidentChangeError.self) { try recordings.linkRecording(recording("c", "  ")) }
        #expect(throws: IncidentChangeError.self) {
            try recordings.linkRecording(recording("c", "/rec/" + String(repeating: "x", count: 4_000)))
        }
        #expect(throws: IncidentChangeError.self) { try recordings.linkRecording(recording("c", "/rec/y.wav", sha256: hash.uppercased())) }
        #expect(throws: IncidentChangeError.self) { try recordings.linkRecording(recording("c", "/rec/y.wav", sha256: "abc")) }
        #expect(try recordings.recordings(limit: 10).count == 3)

        // Each link audited once, with its actor, call id and location whole.
        let audit = try store.auditLog(limit: 10).filter { $0.action == "recording.link" }
        #expect(audit.map(\.subject) == ["call c3", "call call\u{0}1", "call call\u{0}1"])
        #expect(audit.last?.detail == "/rec/a\u{0}b.wav sha256 " + hash)
        #expect(audit.last?.actor == "watcher\u{0}x")
    }
}

@Suite("Recording contract on SQLite")
struct SQLiteRecordingContractTests {
    @Test func recordings() throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try RecordingContract.recordingsAreLinkedOnceWithTheirHash(subject)
    }
}

@Suite("Recording contract on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresRecordingContractTests {
    @Test func recordings() throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try RecordingContract.recordingsAreLinkedOnceWithTheirHash(subject)
    }
}
