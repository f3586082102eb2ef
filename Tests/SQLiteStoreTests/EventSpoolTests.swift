import CallModel
import CallwardenPorts
import SQLiteStore
import Testing

/// The node's SQLite file as the spool of pushed events (issue 15's outage buffer): what goes in
/// comes back whole and in order, and a position is never handed out twice.
struct EventSpoolTests {
    @Test("spooled events come back whole (every field, text with a NUL and what follows it), oldest first")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let spool = SQLiteEventSpool(store: try SQLiteStore(path: directory.databasePath), capacity: 100)
        var hostile = Fixture.minimalEvent(callID: "call\u{0}after-nul", at: 5)
        hostile.caller = CallerIdentity(raw: "\u{202E}0771\u{0}x", displayName: "Ev\u{0}il \u{1F4DE}", presentationRestricted: true)
        hostile.decision = CallDecision(action: .redirect(to: "+447700900999"), ruleID: 7, reason: "threats\u{0}!")
        let events = [Fixture.fullEvent(), hostile, Fixture.minimalEvent(at: 9)]
        #expect(try spool.oldestSpooled(limit: 10) == nil)
        try spool.spool(events)
        #expect(try spool.spooledCount() == 3)
        let first = try #require(try spool.oldestSpooled(limit: 2))
        #expect(first.events == Array(events.prefix(2)))
        try spool.removeSpooled(through: first.through)
        let rest = try #require(try spool.oldestSpooled(limit: 10))
        #expect(rest.events == [events[2]])
        #expect(rest.through > first.through)
    }

    @Test("positions keep growing after the spool empties, so a removal never takes a newer event")
    func positionsAreNotReused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let spool = SQLiteEventSpool(store: try SQLiteStore(path: directory.databasePath), capacity: 100)
        try spool.spool([Fixture.minimalEvent(callID: "a")])
        let first = try #require(try spool.oldestSpooled(limit: 10))
        try spool.removeSpooled(through: first.through)
        #expect(try spool.spooledCount() == 0)
        try spool.spool([Fixture.minimalEvent(callID: "b")])
        let second = try #require(try spool.oldestSpooled(limit: 10))
        #expect(second.through > first.through)
        // A late removal of the first position (moved twice after a crash) leaves "b" alone.
        try spool.removeSpooled(through: first.through)
        #expect(try spool.oldestSpooled(limit: 10)?.events.map(\.callID) == ["b"])
    }
}
