import CallModel
import Incidents
import Testing

@Suite("The incident ledger: status changes and notes")
struct LedgerStatusTests {
    let ledger = Ledger.ledger

    func change(_ status: IncidentStatus, actor: String = "alice", note: String = "", at seconds: Int64 = 1_000) throws -> StatusChange {
        try StatusChange(incidentID: 7, to: status, actor: actor, note: note, at: Ledger.time(seconds))
    }

    @Test("a change names the field that is wrong: no actor, closing without a note, a note too long")
    func changeFields() throws {
        #expect(throws: IncidentChangeError.invalidField("by", reason: "must not be empty")) { try change(.acknowledged, actor: " \t") }
        #expect(throws: IncidentChangeError.invalidField("note", reason: "must not be empty")) { try change(.closed, note: "  ") }
        #expect(throws: IncidentChangeError.invalidField("note", reason: "is longer than 4000 characters")) {
            try change(.acknowledged, note: String(repeating: "x", count: 4_001))
        }
        let trimmed = try change(.reported, actor: "  alice ", note: " police report 2024/123\n")
        #expect(trimmed.actor == "alice")
        #expect(trimmed.note == "police report 2024/123")
        #expect(try change(.acknowledged, note: "").note == "", "only closing needs a note")
    }

    @Test("an unknown incident is refused")
    func unknownIncident() throws {
        #expect(throws: IncidentChangeError.notFound(7)) { try ledger.plan(try change(.acknowledged), incident: nil) }
    }

    @Test("statuses only move forward; a step may be skipped; closed stays closed")
    func forwardOnly() throws {
        for from in IncidentStatus.allCases {
            for to in IncidentStatus.allCases where to != .open {
                let current = Ledger.state(status: from)
                let request = try change(to, note: "n")
                if from < to {
                    #expect(throws: Never.self, "\(from) → \(to)") { try ledger.plan(request, incident: current) }
                } else {
                    #expect(throws: IncidentChangeError.invalidTransition(from: from, to: to)) {
                        try ledger.plan(request, incident: current)
                    }
                }
            }
        }
    }

    @Test("acknowledging writes the status, its log entry and a status-changed alert")
    func acknowledge() throws {
        let plan = try ledger.plan(
            try change(.acknowledged, note: "calling the employee", at: 1_000), incident: Ledger.state(id: 7, updatedAt: 600))
        #expect(plan.incident == .update(id: 7, status: .acknowledged, updatedAt: Ledger.time(1_000)))
        #expect(plan.log == [IncidentLogEntry(time: Ledger.time(1_000), actor: "alice", action: "acknowledged", note: "calling the employee")])
        #expect(plan.links.isEmpty)
        #expect(!plan.countsDetection)
        #expect(plan.alertState == nil, "a person's change does not touch the detection rate limit")
        #expect(plan.alert == AlertDraft(
            event: .statusChanged, kind: .harassment, severity: .low, status: .acknowledged, identity: "+447700900123",
            target: "1001", detail: "incident acknowledged by alice", startsAt: Ledger.time(0), endsAt: nil))
    }

    @Test("reporting to the police says so in the alert, and the note stays out of it")
    func report() throws {
        let plan = try ledger.plan(
            try change(.reported, note: "police report 2024/123 about +447700900123"), incident: Ledger.state(status: .acknowledged))
        #expect(plan.log.map(\.action) == ["reported"])
        #expect(plan.alert?.detail == "incident reported to police by alice")
        #expect(plan.alert?.event == .statusChanged)
    }

    @Test("closing resolves the alert at the closing time")
    func close() throws {
        let plan = try ledger.plan(
            try change(.closed, actor: "bob", note: "court order obtained", at: 3_000), incident: Ledger.state(status: .reported))
        #expect(plan.alert?.event == .resolved)
        #expect(plan.alert?.endsAt == Ledger.time(3_000))
        #expect(plan.alert?.status == .closed)
        #expect(plan.alert?.detail == "incident closed by bob")
        #expect(plan.log.map(\.note) == ["court order obtained"])
    }

    @Test("a change dated before the latest call does not move the incident's update time back")
    func updateTimeOnlyForward() throws {
        let plan = try ledger.plan(try change(.acknowledged, at: 100), incident: Ledger.state(updatedAt: 600))
        #expect(plan.incident == .update(id: 7, status: .acknowledged, updatedAt: Ledger.time(600)))
        #expect(plan.log.first?.time == Ledger.time(100))
    }

    @Test("a status change keeps the incident's own severity and opening time in its alert")
    func statusAlertFromState() throws {
        let threat = Ledger.state(
            key: IncidentKey(kind: .bombThreat, identity: "unidentified", target: "*"), openedAt: -60)
        let alert = try ledger.plan(try change(.acknowledged), incident: threat).alert
        #expect(alert?.severity == .critical)
        #expect(alert?.kind == .bombThreat)
        #expect(alert?.startsAt == Ledger.time(-60))
        #expect(alert?.identity == "unidentified")
    }

    @Test("a note is one log entry and no alert; an unknown incident or an empty note is refused")
    func notes() throws {
        let note = try IncidentNote(incidentID: 7, actor: " bob ", note: "caller identified by police", at: Ledger.time(2_500))
        let plan = try ledger.plan(note, incident: Ledger.state(id: 7, status: .reported))
        #expect(plan.incident == .keep(id: 7))
        #expect(plan.log == [IncidentLogEntry(time: Ledger.time(2_500), actor: "bob", action: "note", note: "caller identified by police")])
        #expect(plan.alert == nil)
        #expect(throws: IncidentChangeError.notFound(7)) { try ledger.plan(note, incident: nil) }
        #expect(throws: IncidentChangeError.invalidField("note", reason: "must not be empty")) {
            try IncidentNote(incidentID: 7, actor: "bob", note: "", at: Ledger.time(0))
        }
        #expect(throws: IncidentChangeError.invalidField("by", reason: "must not be empty")) {
            try IncidentNote(incidentID: 7, actor: "", note: "x", at: Ledger.time(0))
        }
    }

    @Test("a closed incident takes no more changes; the next detection of its key opens a new one")
    func afterClosing() throws {
        let closed = Ledger.state(status: .closed)
        #expect(throws: IncidentChangeError.invalidTransition(from: .closed, to: .closed)) {
            try ledger.plan(try change(.closed, note: "again"), incident: closed)
        }
        // The store reads only unclosed incidents for a detection's key: nil after closing.
        let plan = ledger.plan(Ledger.detection(first: 90_000, last: 90_600), openIncident: nil, episodeIncidentID: closed.id)
        #expect(plan.opensIncident)
        #expect(plan.countsDetection)
        #expect(plan.alert?.event == .opened)
    }
}
