import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import SQLiteStore
import Testing

/// What an MCID flag does, in both stores: the same assertions against SQLite and the shared
/// PostgreSQL (issue 15: a site node flags calls as a single node does).
protocol MCIDStoreUnderTest: EventStore, RuleStore {
    func flagMaliciousCall(_ request: MCIDRequest, crisisLine: String?) throws -> MCIDOutcome
    func withdrawFlag(_ withdrawal: MCIDWithdrawal) throws -> MCIDFlag
    func alerts(incidentID: Int64) throws -> [AlertNotice]
    func incident(id: Int64) throws -> Incident?
    func timeline(incidentID: Int64) throws -> IncidentTimeline?
}

extension SQLiteStore: MCIDStoreUnderTest {}
extension PostgresStore: MCIDStoreUnderTest {}

enum MCIDContract {
    /// A withheld caller whose network-asserted identity is known, to extension 1001.
    static func withheldCall(callID: String, at seconds: Int64, asserted: Bool = true) -> CallEvent {
        CallEvent(
            time: Fixture.time(seconds + 30), callID: callID, source: .asteriskCSV, phase: .ended, disposition: .answered,
            callStart: Fixture.time(seconds), duration: .seconds(30), talkTime: .seconds(25),
            caller: CallerIdentity(raw: "anonymous", assertedIdentity: asserted ? Fixture.caller : nil, presentationRestricted: true),
            callee: CalledParty(raw: "1001", key: "1001"))
    }

    static func flagByCallIDBlocksAlertsAndJoins(_ store: some MCIDStoreUnderTest) throws {
        var batch = IngestBatch()
        batch.events = [withheldCall(callID: "1700000100.7\u{0}x", at: 100)]
        try store.commit(batch)
        let request = MCIDRequest(
            call: .callID("1700000100.7\u{0}x"), kind: .bombThreat, actor: "pbx:*39 from 1001", note: "caller named a time\u{0}!",
            time: Fixture.time(200), sourceAddress: "198.51.100.7:5060",
            sipHeaders: [SIPHeaderField(name: "P-Asserted-Identity", value: "<tel:+447700900123>"), SIPHeaderField(name: "Privacy", value: "id")],
            addBlock: true)
        let outcome = try store.flagMaliciousCall(request, crisisLine: nil)
        #expect(outcome.openedIncident)
        #expect(outcome.incident.kind == .bombThreat)
        #expect(outcome.incident.severity == .critical)
        #expect(outcome.incident.identity == Fixture.caller.description)
        #expect(outcome.incident.target == "1001")
        #expect(outcome.flag.callID == "1700000100.7\u{0}x", "the call id whole, NUL included")
        #expect(outcome.flag.note == "caller named a time\u{0}!")
        #expect(outcome.flag.call?.caller.assertedIdentity == Fixture.caller)
        #expect(outcome.flag.call?.caller.presentationRestricted == true)
        #expect(outcome.flag.sourceAddress == "198.51.100.7:5060")
        #expect(outcome.flag.sipHeaders == request.sipHeaders)
        #expect(outcome.ruleIDs.count == 1)
        #expect(try store.rules(activeAt: Fixture.time(300), includeExpired: false).map(\.match) == [.number(Fixture.caller)])
        let alerts = try store.alerts(incidentID: outcome.incident.id)
        #expect(alerts.map(\.event) == [.flagged])
        #expect(alerts.first?.key == outcome.alertKey)
        #expect(alerts.first?.detail.contains("7700900123") == false, "the alert masks the number")
        let timeline = try #require(try store.timeline(incidentID: outcome.incident.id))
        #expect(timeline.flags.map(\.id) == [outcome.flag.id])
        #expect(timeline.decisions.count == 1, "the block on the flagged call's asserted number")

        let again = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("1700000100.7\u{0}x"), kind: .bombThreat, actor: "ops:carol", time: Fixture.time(260)),
            crisisLine: nil)
        #expect(!again.openedIncident)
        #expect(again.incident.id == outcome.incident.id)

        // Withdrawn: once, with a note in the incident's log; a second time is refused.
        let withdrawn = try store.withdrawFlag(
            MCIDWithdrawal(flagID: again.flag.id, actor: "ops:carol", reason: "wrong call", time: Fixture.time(270)))
        #expect(withdrawn.withdrawal?.reason == "wrong call")
        #expect(throws: IncidentChangeError.self) {
            try store.withdrawFlag(MCIDWithdrawal(flagID: again.flag.id, actor: "ops:carol", reason: "again", time: Fixture.time(280)))
        }
        #expect(throws: IncidentChangeError.self) {
            try store.withdrawFlag(MCIDWithdrawal(flagID: 999_999, actor: "ops:carol", reason: "none", time: Fixture.time(280)))
        }
        #expect(try store.auditLog(limit: 50).contains { $0.action == "mcid.withdraw" && $0.actor == "ops:carol" })
    }

    static func flagByExtensionFindsTheLastCallOrNone(_ store: some MCIDStoreUnderTest) throws {
        var batch = IngestBatch()
        batch.events = [withheldCall(callID: "old", at: 0, asserted: false), withheldCall(callID: "recent", at: 500, asserted: false)]
        try store.commit(batch)
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(
                call: .lastCall(toExtension: "1001", within: .minutes(5)), kind: .threat, actor: "ext:1001", time: Fixture.time(600),
                addRedirect: true),
            crisisLine: "+442079460999")
        #expect(outcome.flag.callID == "recent")
        #expect(outcome.incident.identity == "unidentified")
        let rule = try #require(try store.rules(activeAt: Fixture.time(600), includeExpired: false).first)
        #expect(rule.match == .unidentified)
        #expect(rule.scope == "1001")
        #expect(rule.action == .redirect(to: "+442079460999"))

        #expect(throws: MCIDAmbiguousCall.self) {
            try store.flagMaliciousCall(
                MCIDRequest(
                    call: .lastCall(toExtension: "1001", within: .minutes(15)), kind: .threat, actor: "ext:1001", time: Fixture.time(600),
                    latestOfSeveral: false),
                crisisLine: nil)
        }
        #expect(throws: IncidentChangeError.self) {
            try store.flagMaliciousCall(
                MCIDRequest(call: .callID("x"), kind: .threat, actor: "ext:1001", time: Fixture.time(600), addRedirect: true),
                crisisLine: nil)
        }
        let nothing = try store.flagMaliciousCall(
            MCIDRequest(call: .lastCall(toExtension: "1009", within: .minutes(5)), kind: .suicideThreat, actor: "ext:1009", time: Fixture.time(600)),
            crisisLine: nil)
        #expect(nothing.flag.call == nil)
        #expect(nothing.incident.target == "1009")
        #expect(try store.alerts(incidentID: nothing.incident.id).first?.event == .flagged)
    }
}

@Suite("MCID flags: SQLite")
struct SQLiteMCIDContractTests {
    @Test func flagByCallID() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        try MCIDContract.flagByCallIDBlocksAlertsAndJoins(store)
    }

    @Test func flagByExtension() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        try MCIDContract.flagByExtensionFindsTheLastCallOrNone(store)
    }
}

@Suite("MCID flags: the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresMCIDContractTests {
    static func store() throws -> PostgresStore {
        try PostgresStore(settings: try PostgresTestServer.shared.get().makeDatabase(), node: "site-a", logger: Logger(label: "test"))
    }

    @Test func flagByCallID() throws {
        let store = try Self.store()
        defer { store.close() }
        try MCIDContract.flagByCallIDBlocksAlertsAndJoins(store)
    }

    @Test func flagByExtension() throws {
        let store = try Self.store()
        defer { store.close() }
        try MCIDContract.flagByExtensionFindsTheLastCallOrNone(store)
    }

    @Test("two sites flagging the same caller at once open one incident with both flags")
    func twoSitesFlagAtOnce() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let sites = try ["site-a", "site-b"].map { try PostgresStore(settings: settings, node: $0, logger: Logger(label: "test")) }
        defer { sites.forEach { $0.close() } }
        var batch = IngestBatch()
        batch.events = [MCIDContract.withheldCall(callID: "shared-call", at: 100)]
        try sites[0].commit(batch)
        let outcomes = try await withThrowingTaskGroup(of: MCIDOutcome.self) { group in
            for (index, site) in sites.enumerated() {
                group.addTask {
                    try site.flagMaliciousCall(
                        MCIDRequest(call: .callID("shared-call"), kind: .threat, actor: "ops:\(index)", time: Fixture.time(200 + Int64(index))),
                        crisisLine: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(outcomes.map(\.incident.id)).count == 1, "one incident")
        #expect(outcomes.filter(\.openedIncident).count == 1)
        #expect(try sites[1].flags(incidentID: outcomes[0].incident.id).count == 2)
    }
}
