import CallModel
import Incidents
import Testing

@Suite("The incident ledger: detections group into incidents and raise their alerts")
struct LedgerDetectionTests {
    let ledger = Ledger.ledger

    @Test("a first detection opens an incident for the harasser and the target, with an opened entry")
    func opensIncident() {
        let detection = Ledger.detection(first: 0, last: 600)
        let plan = ledger.plan(detection, openIncident: nil, episodeIncidentID: nil)
        let key = IncidentKey(kind: .harassment, identity: "+447700900123", target: "1001")
        #expect(plan.incident == .open(NewIncident(key: key, severity: .low, openedAt: Ledger.time(0), updatedAt: Ledger.time(600))))
        #expect(plan.opensIncident)
        #expect(plan.countsDetection)
        #expect(plan.log == [
            IncidentLogEntry(time: Ledger.time(0), actor: "detection", action: "opened", note: "opened by a repeat-caller detection")
        ])
        #expect(plan.links == ["call-0", "call-1", "call-2", "call-3", "call-4"])
        #expect(plan.linkedAt == Ledger.time(600))
        #expect(plan.rule == nil)
    }

    @Test("a detection whose last call is before its first still opens with the later time as the update")
    func openedUpdateNeverBeforeOpening() {
        var detection = Ledger.detection(first: 600, last: 600)
        detection.last = Ledger.time(300)
        guard case .open(let new) = ledger.plan(detection, openIncident: nil, episodeIncidentID: nil).incident else {
            Issue.record("expected a new incident")
            return
        }
        #expect(new.updatedAt == Ledger.time(600))
    }

    @Test("a detection with an open incident for its key touches it and keeps its status")
    func touchesOpenIncident() {
        let open = Ledger.state(id: 42, status: .acknowledged, updatedAt: 500)
        let plan = ledger.plan(Ledger.detection(last: 900), openIncident: open, episodeIncidentID: nil)
        #expect(plan.incident == .update(id: 42, status: .acknowledged, updatedAt: Ledger.time(900)))
        #expect(!plan.opensIncident)
        #expect(plan.log.isEmpty)
    }

    @Test("an older detection never moves the incident's update time back")
    func updateTimeOnlyForward() {
        let open = Ledger.state(id: 42, updatedAt: 5_000)
        let plan = ledger.plan(Ledger.detection(last: 900), openIncident: open, episodeIncidentID: 42)
        #expect(plan.incident == .update(id: 42, status: .open, updatedAt: Ledger.time(5_000)))
    }

    @Test("an episode counts once per incident: new, already in it, or moved from a closed one")
    func episodeCounting() {
        let open = Ledger.state(id: 42)
        #expect(ledger.plan(Ledger.detection(), openIncident: open, episodeIncidentID: nil).countsDetection)
        #expect(!ledger.plan(Ledger.detection(), openIncident: open, episodeIncidentID: 42).countsDetection)
        #expect(ledger.plan(Ledger.detection(), openIncident: open, episodeIncidentID: 3).countsDetection)
        #expect(ledger.plan(Ledger.detection(), openIncident: nil, episodeIncidentID: 3).countsDetection)
    }

    @Test("one incident per harasser and target: another target or another caller is another key")
    func groupingByHarasserAndTarget() {
        let base = IncidentKey(detection: Ledger.detection())
        #expect(base == IncidentKey(kind: .harassment, identity: "+447700900123", target: "1001"))
        #expect(IncidentKey(detection: Ledger.detection(target: "1002")) != base)
        var other = Ledger.detection()
        other.caller = Ledger.other
        #expect(IncidentKey(detection: other).identity == "+447700900456")
        #expect(IncidentKey(detection: Ledger.detection(.stalking)).kind == .stalking)
        #expect(IncidentKey(detection: Ledger.detection(.stalking)) != base, "kinds stay apart about the same person")
    }

    @Test("anonymous callers are one incident per target, whoever they are")
    func groupingPerAnonymousTarget() {
        let first = IncidentKey(detection: Ledger.detection(.anonymous))
        #expect(first == IncidentKey(kind: .anonymous, identity: "unidentified", target: "1001"))
        #expect(IncidentKey(detection: Ledger.detection(.anonymous, calls: 9, last: 9_000)) == first)
        #expect(IncidentKey(detection: Ledger.detection(.anonymous, target: "1002")) != first)
    }

    @Test("a hopping cluster is one incident however many numbers it grows to")
    func groupingPerHoppingCluster() {
        var hopping = Ledger.detection(.numberHopping)
        let first = IncidentKey(detection: hopping)
        #expect(first == IncidentKey(kind: .numberHopping, identity: "hopping-cluster", target: "1001"))
        hopping.callers.append(Ledger.leeds)
        hopping.caller = Ledger.leeds
        #expect(IncidentKey(detection: hopping) == first)
        let plan = ledger.plan(hopping, openIncident: Ledger.state(id: 9, key: first), episodeIncidentID: 9)
        #expect(plan.incident == .update(id: 9, status: .open, updatedAt: Ledger.time(600)))
        #expect(!plan.countsDetection)
    }

    @Test("a detection's incident gets its kind's severity; an existing incident keeps the one it has")
    func severityByKind() {
        let expected: [DetectionKind: IncidentSeverity] = [
            .repeatCaller: .low, .stalking: .medium, .anonymous: .low, .numberHopping: .low,
        ]
        for (kind, severity) in expected {
            let plan = ledger.plan(Ledger.detection(kind), openIncident: nil, episodeIncidentID: nil)
            guard case .open(let new) = plan.incident else {
                Issue.record("expected a new incident for \(kind)")
                continue
            }
            #expect(new.severity == severity, "\(kind)")
            #expect(plan.alert?.severity == severity, "\(kind)")
        }
        let raised = Ledger.state(severity: .high)
        #expect(ledger.plan(Ledger.detection(), openIncident: raised, episodeIncidentID: nil).alert?.severity == .high)
    }

    @Test("the first detection at the alerting action raises opened, with the incident's fields")
    func firstAlert() {
        let plan = ledger.plan(Ledger.detection(first: 0, last: 600), openIncident: nil, episodeIncidentID: nil)
        #expect(plan.alertState == IncidentAlertState(highestAction: .alert, lastDetectionAlert: Ledger.time(600)))
        #expect(!plan.suppressesAlert)
        #expect(plan.alert == AlertDraft(
            event: .opened, kind: .harassment, severity: .low, status: .open, identity: "+447700900123", target: "1001",
            detail: "repeat-caller: 5 calls 2023-11-14T22:13:20Z…2023-11-14T22:23:20Z, action alert, offence 1",
            startsAt: Ledger.time(0), endsAt: nil))
    }

    @Test("the first alert of an incident opened silently is still opened, and starts when the incident did")
    func firstAlertOfSilentIncident() {
        let open = Ledger.state(id: 42, status: .acknowledged, openedAt: -3_600, updatedAt: 0)
        let plan = ledger.plan(Ledger.detection(action: .block), openIncident: open, episodeIncidentID: 42)
        #expect(plan.alert?.event == .opened)
        #expect(plan.alert?.status == .acknowledged)
        #expect(plan.alert?.startsAt == Ledger.time(-3_600))
        #expect(plan.alertState?.highestAction == .block)
    }

    @Test("below the alerting action nothing is raised, counted or remembered; the incident is still kept")
    func watchIsSilent() {
        let plan = ledger.plan(Ledger.detection(action: .watch), openIncident: nil, episodeIncidentID: nil)
        #expect(plan.opensIncident)
        #expect(plan.alert == nil)
        #expect(plan.alertState == nil)
        #expect(!plan.suppressesAlert)
        let strict = IncidentLedger(policy: AlertPolicy(minimumAction: .block))
        #expect(strict.plan(Ledger.detection(action: .alert), openIncident: nil, episodeIncidentID: nil).alert == nil)
        #expect(strict.plan(Ledger.detection(action: .block), openIncident: nil, episodeIncidentID: nil).alert?.event == .opened)
    }

    @Test("a higher action than any alerted escalates at once, inside the rate limit")
    func escalation() {
        let alerted = Ledger.state(alerts: IncidentAlertState(highestAction: .alert, lastDetectionAlert: Ledger.time(600)))
        let plan = ledger.plan(Ledger.detection(last: 610, action: .block), openIncident: alerted, episodeIncidentID: 7)
        #expect(plan.alert?.event == .escalated)
        #expect(plan.alertState == IncidentAlertState(highestAction: .block, lastDetectionAlert: Ledger.time(610)))
    }

    @Test("a lower action after a block neither escalates nor lowers what was alerted")
    func lowerActionKeepsHighest() {
        let alerted = Ledger.state(alerts: IncidentAlertState(highestAction: .block, lastDetectionAlert: Ledger.time(600)))
        let soon = ledger.plan(Ledger.detection(last: 700, action: .alert), openIncident: alerted, episodeIncidentID: 7)
        #expect(soon.alert == nil)
        #expect(soon.suppressesAlert)
        let later = ledger.plan(Ledger.detection(last: 600 + 900, action: .alert), openIncident: alerted, episodeIncidentID: 7)
        #expect(later.alert?.event == .updated)
        #expect(later.alertState?.highestAction == .block)
    }

    @Test("more calls at the same action within the interval are counted as suppressed, not sent")
    func rateLimitSuppresses() {
        let alerted = Ledger.state(alerts: IncidentAlertState(highestAction: .alert, lastDetectionAlert: Ledger.time(600)))
        let plan = ledger.plan(Ledger.detection(calls: 8, last: 600 + 899), openIncident: alerted, episodeIncidentID: 7)
        #expect(plan.suppressesAlert)
        #expect(plan.alert == nil)
        #expect(plan.alertState == nil)
        #expect(plan.links.count == 8, "suppressed alerts lose nothing from the timeline")
    }

    @Test("an update is sent once the interval has passed since the last detection alert")
    func rateLimitReleases() {
        let alerted = Ledger.state(alerts: IncidentAlertState(highestAction: .alert, lastDetectionAlert: Ledger.time(600)))
        let plan = ledger.plan(Ledger.detection(calls: 9, last: 600 + 900), openIncident: alerted, episodeIncidentID: 7)
        #expect(plan.alert?.event == .updated)
        #expect(plan.alertState == IncidentAlertState(highestAction: .alert, lastDetectionAlert: Ledger.time(1_500)))
    }

    @Test("the rate limit is per incident: another incident's alerts do not hold this one back")
    func rateLimitPerIncident() {
        let alerted = Ledger.state(id: 1, alerts: IncidentAlertState(highestAction: .alert, lastDetectionAlert: Ledger.time(600)))
        #expect(ledger.plan(Ledger.detection(last: 610), openIncident: alerted, episodeIncidentID: 1).alert == nil)
        let otherTarget = Ledger.detection(last: 610, target: "1002")
        #expect(ledger.plan(otherTarget, openIncident: nil, episodeIncidentID: nil).alert?.event == .opened)
    }

    @Test("a run of detections: opened, escalated at once, updates rate-limited to one per 15 minutes")
    func runOfDetections() {
        var state: IncidentState?
        var events: [AlertEvent] = []
        var suppressed = 0
        let steps: [(calls: Int, last: Int64, action: ResponseAction)] = [
            (2, 60, .alert), (3, 120, .alert), (4, 300, .alert), (5, 600, .alert), (6, 700, .block), (7, 800, .block),
            (9, 700 + 901, .block),
        ]
        for step in steps {
            let plan = ledger.plan(
                Ledger.detection(calls: step.calls, last: step.last, action: step.action), openIncident: state,
                episodeIncidentID: state?.id)
            if let alert = plan.alert { events.append(alert.event) }
            if plan.suppressesAlert { suppressed += 1 }
            state = Ledger.applying(plan, to: state)
        }
        #expect(events == [.opened, .escalated, .updated])
        #expect(suppressed == 4)
        #expect(state?.updatedAt == Ledger.time(1_601))
    }

    @Test("detection alert texts carry counts, times and the action, never the number; receivers mask the identity")
    func detectionTextAndMasking() {
        var detection = Ledger.detection(.stalking, calls: 12, first: 0, last: 86_400, action: .block)
        detection.offence = 2
        let alert = ledger.plan(detection, openIncident: nil, episodeIncidentID: nil).alert
        #expect(alert?.detail == "stalking: 12 calls 2023-11-14T22:13:20Z…2023-11-15T22:13:20Z, action block, offence 2")
        #expect(alert?.detail.contains("7700900123") == false)
        #expect(alert?.identity == "+447700900123")
        let notice = alert?.notice(id: 1, key: "msg_x", incidentID: 7, createdAt: Ledger.time(86_401))
        #expect(notice?.maskedIdentity == "+447*******23")
        #expect(notice?.incidentID == 7)
        #expect(notice?.createdAt == Ledger.time(86_401))
        let anonymous = ledger.plan(Ledger.detection(.anonymous), openIncident: nil, episodeIncidentID: nil).alert
        #expect(anonymous?.notice(id: 2, key: "msg_y", incidentID: 8, createdAt: Ledger.time(0)).maskedIdentity == "unidentified")
    }
}
