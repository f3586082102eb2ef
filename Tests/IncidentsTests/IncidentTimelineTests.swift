import CallModel
import Incidents
import Testing

@Suite("The incident timeline, change errors and alert notices")
struct IncidentTimelineTests {
    static let incident = Incident(
        id: 7, key: IncidentKey(kind: .threat, identity: "+447700900123", target: "1001"), severity: .high, status: .open,
        openedAt: Ledger.time(0), updatedAt: Ledger.time(600), detectionCount: 1)

    @Test("the timeline merges everything in time order, equal times in the order given, without the mcid log lines")
    func mergedEntries() {
        let call = TimelineCall(event: Ledger.withheldCall())
        let detection = Ledger.detection(first: 100, last: 600)
        let flag = MCIDFlag(
            id: 1, incidentID: 7, kind: .threat, callID: call.callID, call: call, flaggedAt: Ledger.time(200),
            flaggedBy: "ext:1001", note: "", sourceAddress: nil, sipHeaders: [])
        let recording = RecordingEvidence(
            id: 1, callID: call.callID, location: "/r.wav", origin: .file, size: 1, sha256: nil, recordedAt: nil,
            linkedAt: Ledger.time(300))
        let timeline = IncidentTimeline(
            incident: Self.incident, calls: [call], detections: [detection], flags: [flag], recordings: [recording],
            log: [
                IncidentLogEntry(time: Ledger.time(100), actor: "detection", action: "opened", note: "x"),
                IncidentLogEntry(time: Ledger.time(200), actor: "ext:1001", action: "mcid", note: "y"),
                IncidentLogEntry(time: Ledger.time(400), actor: "alice", action: "note", note: "z"),
            ])
        let names = timeline.entries.map { entry -> String in
            switch entry {
            case .call: "call"
            case .detection: "detection"
            case .decision: "decision"
            case .flag: "flag"
            case .recording: "recording"
            case .log(let log): log.action
            }
        }
        #expect(names == ["call", "detection", "opened", "flag", "recording", "note"])
        #expect(timeline.entries.map(\.time) == [100, 100, 100, 200, 300, 400].map(Ledger.time))
    }

    @Test("a recording stands at its recording time when known, else when it was linked")
    func recordingTime() {
        var recording = RecordingEvidence(
            id: 1, callID: "c", location: "/r.wav", origin: .file, size: nil, sha256: nil, recordedAt: nil,
            linkedAt: Ledger.time(300))
        #expect(TimelineEntry.recording(recording).time == Ledger.time(300))
        recording.recordedAt = Ledger.time(130)
        #expect(TimelineEntry.recording(recording).time == Ledger.time(130))
    }

    @Test("change errors say what is wrong in words; a text field is trimmed and bounded")
    func changeErrors() throws {
        #expect(IncidentChangeError.notFound(9).description == "no incident with id 9")
        #expect(IncidentChangeError.invalidTransition(from: .reported, to: .open).description
            == "an incident that is reported to police cannot become open (statuses only move forward)")
        #expect(IncidentChangeError.invalidField("note", reason: "must not be empty").description == "note must not be empty")
        #expect(try IncidentChangeError.checked("  x \n", field: "note", required: true) == "x")
        #expect(try IncidentChangeError.checked("", field: "note", required: false) == "")
        #expect(try IncidentChangeError.checked(String(repeating: "é", count: 4_000), field: "note", required: false).count == 4_000)
    }

    @Test("incidents and alerts mask a number for logs, and leave the other identities as they are")
    func masking() {
        #expect(Self.incident.maskedIdentity == "+447*******23")
        var unidentified = Self.incident
        unidentified.key.identity = IncidentKey.unidentified
        #expect(unidentified.maskedIdentity == "unidentified")
        var internalCaller = Self.incident
        internalCaller.key.identity = "2001"
        #expect(internalCaller.maskedIdentity == "2001")
    }

    @Test("alert events and severities keep the names receivers see; every kind has its own title")
    func wireNames() {
        #expect(AlertEvent.allCases.map(\.rawValue) == ["opened", "escalated", "updated", "flagged", "status-changed", "resolved"])
        #expect(IncidentSeverity.allCases.sorted() == [.low, .medium, .high, .critical])
        #expect(Set(IncidentKind.allCases.map(\.title)).count == IncidentKind.allCases.count)
        #expect(IncidentKind.allCases.filter { !$0.mayBlock } == [.suicideThreat])
        let resolved = AlertNotice(
            id: 1, key: "k", incidentID: 7, event: .resolved, kind: .threat, severity: .high, status: .closed,
            identity: "x", target: "1001", detail: "", startsAt: Ledger.time(0), endsAt: Ledger.time(9), createdAt: Ledger.time(9))
        #expect(resolved.isResolved)
    }
}
