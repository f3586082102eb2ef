import CallModel
import CallwardenPorts
import Foundation
import Incidents
import PostgresStore
import Synchronization
import Testing

/// Issue 15: call search and recordings on the shared PostgreSQL as two nodes see them (each node
/// a ``PostgresStore`` with its own connection).
@Suite("Several sites: call search and recordings on the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedCallSearchTests {
    @Test("a call whose events two nodes stored is one call, found through either node with both events")
    func callsOfEveryNodeAreSearched() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try SharedPeopleTests.node("site-a", settings)
        let b = try SharedPeopleTests.node("site-b", settings)
        defer { a.close(); b.close() }
        let caller = CallSearchContract.number(Fixture.caller)
        try CallSearchContract.commit([CallSearchContract.event("shared", at: 0, caller: caller, callee: "1001")], to: a)
        try CallSearchContract.commit(
            [
                CallSearchContract.event("shared", at: 0, caller: caller, callee: "1001", phase: .ended, disposition: .busy),
                CallSearchContract.event("only-b", at: 10, caller: caller, callee: "1002"),
            ], to: b)
        for node in [a, b] {
            let found = try node.searchCalls(CallQuery(number: Fixture.caller, since: Fixture.time(0)))
            #expect(found.map(\.callID) == ["only-b", "shared"])
            #expect(found.map(\.events) == [1, 2])
            #expect(found.last?.disposition == .busy)
        }
    }

    @Test("two nodes linking one location at once: linked once, both answered with the same recording, audited once")
    func oneLocationIsLinkedOnce() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try SharedPeopleTests.node("site-a", settings)
        let b = try SharedPeopleTests.node("site-b", settings)
        defer { a.close(); b.close() }
        for round in 0..<5 {
            let answers = Mutex<[Result<RecordingEvidence, any Error>]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let store = index == 0 ? a : b
                let answer = Result {
                    try store.linkRecording(
                        RecordingContract.recording("call-\(round)", "/rec/\(round).wav", at: Int64(index)))
                }
                answers.withLock { $0.append(answer) }
            }
            let recordings = try answers.withLock { try $0.map { try $0.get() } }
            #expect(recordings.count == 2 && recordings[0] == recordings[1])
        }
        #expect(try a.recordings(limit: 10).count == 5)
        #expect(try b.auditLog(limit: 50).filter { $0.action == "recording.link" }.count == 5)
    }
}
