import CallModel
import CallwardenPorts
import PostgresStore
import SQLiteStore
import Testing

/// The contract of call search and of the blocks' effect (the people's API and the console's
/// prevention page), run against each backend.
enum CallSearchContract {
    static let other = E164Number(e164: "+447700900456")!
    static let flagged = E164Number(e164: "+447700900789")!

    static func ports(_ store: any ContractStore) throws -> any CallSearchStore & BlockEffectStore {
        guard let ports = store as? any CallSearchStore & BlockEffectStore else {
            throw TestServerError(message: "the store does not search calls")
        }
        return ports
    }

    static func event(
        _ callID: String, at seconds: Int64, caller: CallerIdentity, callee: String, phase: CallPhase = .started,
        disposition: Disposition? = nil, decision: CallDecision? = nil
    ) -> CallEvent {
        CallEvent(
            time: Fixture.time(seconds), callID: callID, source: decision == nil ? .asteriskCSV : .decisionRequest, phase: phase,
            disposition: disposition, callStart: Fixture.time(seconds), caller: caller,
            callee: CalledParty(raw: "sip:" + callee + "@pbx.example", key: callee), decision: decision)
    }

    static func number(_ number: E164Number) -> CallerIdentity {
        CallerIdentity(raw: "0" + number.description.dropFirst(3), number: number, presentationRestricted: false)
    }

    static let withheld = CallerIdentity(raw: "anonymous", assertedIdentity: Fixture.caller, presentationRestricted: true)

    static func commit(_ events: [CallEvent], to store: any ContractStore) throws {
        var batch = IngestBatch()
        batch.events = events
        try store.commit(batch)
    }

    static func callsAreFoundByNumberExtensionAndTime(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let search = try ports(store)
        let extensionCaller = CallerIdentity(raw: "2001", internalExtension: "2001", presentationRestricted: false)
        try commit(
            [
                event("c1", at: 0, caller: number(Fixture.caller), callee: "1001"),
                event("c2", at: 100, caller: withheld, callee: "1002", decision: CallDecision(action: .block, ruleID: 3, reason: "rule 3")),
                event("c3\u{0}evil", at: 200, caller: number(other), callee: "10\u{0}evil"),
                event("c4", at: 300, caller: extensionCaller, callee: "1001"),
            ], to: store)
        // The call's later events: the latest stored event's outcome; its start stays the first's.
        try commit(
            [
                event("c1", at: 0, caller: number(Fixture.caller), callee: "1001", phase: .ended, disposition: .answered),
                event("c2", at: 100, caller: withheld, callee: "1002", phase: .ended, disposition: .rejected),
            ], to: store)

        let all = try search.searchCalls(CallQuery(since: Fixture.time(0)))
        #expect(all.map(\.callID) == ["c4", "c3\u{0}evil", "c2", "c1"])
        #expect(all.map(\.events) == [1, 1, 2, 2])
        #expect(all.map(\.start) == [300, 200, 100, 0].map(Fixture.time))
        #expect(all.map(\.callee) == ["1001", "10\u{0}evil", "1002", "1001"])
        #expect(all.map(\.disposition) == [nil, nil, .rejected, .answered])
        #expect(all.map(\.decision) == [nil, nil, "block", nil])
        #expect(all[0].caller == extensionCaller)
        #expect(all[2].caller == withheld)

        // By number: a withheld call is found by its asserted identity only when asked to.
        #expect(try search.searchCalls(CallQuery(number: Fixture.caller, since: Fixture.time(0))).map(\.callID) == ["c1"])
        #expect(
            try search.searchCalls(CallQuery(number: Fixture.caller, matchesAssertedIdentity: true, since: Fixture.time(0)))
                .map(\.callID) == ["c2", "c1"])
        #expect(try search.searchCalls(CallQuery(number: flagged, since: Fixture.time(0))).isEmpty)

        // By extension, called or calling, compared whole (NUL included; a prefix is another key).
        #expect(try search.searchCalls(CallQuery(extensionKey: "1001", since: Fixture.time(0))).map(\.callID) == ["c4", "c1"])
        #expect(try search.searchCalls(CallQuery(extensionKey: "2001", since: Fixture.time(0))).map(\.callID) == ["c4"])
        #expect(try search.searchCalls(CallQuery(extensionKey: "10\u{0}evil", since: Fixture.time(0))).map(\.callID) == ["c3\u{0}evil"])
        #expect(try search.searchCalls(CallQuery(extensionKey: "10", since: Fixture.time(0))).isEmpty)

        // By time: since inclusive, until exclusive.
        #expect(try search.searchCalls(CallQuery(since: Fixture.time(100))).map(\.callID) == ["c4", "c3\u{0}evil", "c2"])
        #expect(try search.searchCalls(CallQuery(since: Fixture.time(0), until: Fixture.time(200))).map(\.callID) == ["c2", "c1"])
        #expect(try search.searchCalls(CallQuery(since: Fixture.time(301))).isEmpty)

        // Pages: at most limit + 1 (so there are more), from the offset.
        #expect(try search.searchCalls(CallQuery(since: Fixture.time(0), limit: 1)).map(\.callID) == ["c4", "c3\u{0}evil"])
        #expect(try search.searchCalls(CallQuery(since: Fixture.time(0), limit: 2, offset: 2)).map(\.callID) == ["c2", "c1"])
        #expect(try search.searchCalls(CallQuery(since: Fixture.time(0), limit: 10, offset: 4)).isEmpty)
    }

    static func callsAfterBlocksAreThoseWhileABlockWasInForce(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let ports = try ports(store)
        _ = try store.addRule(
            Rule(match: .number(Fixture.caller), action: .block, reason: "r", createdBy: "cli:alice", createdAt: Fixture.time(100)),
            actor: "cli:alice")
        let redirect = try store.addRule(
            Rule(
                match: .number(other), action: .redirect(to: "+442079460999"), reason: "r", createdBy: "cli:alice",
                createdAt: Fixture.time(150)),
            actor: "cli:alice")
        _ = try store.addRule(
            Rule(match: .number(flagged), action: .flag, reason: "r", createdBy: "cli:alice", createdAt: Fixture.time(0)),
            actor: "cli:alice")
        #expect(try store.removeRule(id: try #require(redirect.id), actor: "cli:bob", reason: "done", at: Fixture.time(250)))
        let block = CallDecision(action: .block, ruleID: 1, reason: "rule 1")
        try commit(
            [
                // Before the block: not counted.
                event("a0", at: 0, caller: number(Fixture.caller), callee: "1001"),
                // Stopped by a decision; its other witness carries none.
                event("a1", at: 120, caller: number(Fixture.caller), callee: "1001", decision: block),
                event("a1", at: 120, caller: number(Fixture.caller), callee: "1001", phase: .ended, disposition: .rejected),
                // Got through (counted by its asserted identity).
                event("a2", at: 130, caller: withheld, callee: "1002"),
                // The removed redirect was in force then, not after its removal.
                event("b1", at: 200, caller: number(other), callee: "1001"),
                event("b2", at: 300, caller: number(other), callee: "1001"),
                // A flag is no block.
                event("f1", at: 140, caller: number(flagged), callee: "1001"),
            ], to: store)

        #expect(
            try ports.callsAfterBlocks(since: Fixture.time(0)) == [
                CallAfterBlock(start: Fixture.time(120), stopped: true), CallAfterBlock(start: Fixture.time(130), stopped: false),
                CallAfterBlock(start: Fixture.time(200), stopped: false),
            ])
        #expect(try ports.callsAfterBlocks(since: Fixture.time(125)).map(\.start) == [Fixture.time(130), Fixture.time(200)])
        #expect(try ports.callsAfterBlocks(since: Fixture.time(301)).isEmpty)
    }
}

@Suite("Call search contract on SQLite")
struct SQLiteCallSearchContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try check(subject)
    }

    @Test func search() throws { try run(CallSearchContract.callsAreFoundByNumberExtensionAndTime) }
    @Test func callsAfterBlocks() throws { try run(CallSearchContract.callsAfterBlocksAreThoseWhileABlockWasInForce) }
}

@Suite("Call search contract on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresCallSearchContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try check(subject)
    }

    @Test func search() throws { try run(CallSearchContract.callsAreFoundByNumberExtensionAndTime) }
    @Test func callsAfterBlocks() throws { try run(CallSearchContract.callsAfterBlocksAreThoseWhileABlockWasInForce) }
}
