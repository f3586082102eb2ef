import CallModel
import Incidents
import Testing

@Suite("The incident ledger: MCID flags")
struct LedgerMCIDTests {
    let ledger = Ledger.ledger

    func request(
        _ kind: IncidentKind = .threat, call: MCIDCallSelector = .callID("1700000100.7"), actor: String = "pbx:*39 from 1001",
        note: String = "", block: Bool = false, redirect: Bool = false, duration: TimeSpan? = nil
    ) -> MCIDRequest {
        MCIDRequest(
            call: call, kind: kind, actor: actor, note: note, time: Ledger.time(200), addBlock: block, addRedirect: redirect,
            ruleDuration: duration)
    }

    @Test("a stored call is flagged by its own id and target, under its asserted identity")
    func flaggedStoredCall() {
        let call = FlaggedCall(request(), event: Ledger.withheldCall())
        #expect(call.callID == "1700000100.7")
        #expect(call.target == "1001")
        #expect(call.key == IncidentKey(kind: .threat, identity: "+447700900123", target: "1001"))
        let byExtension = FlaggedCall(
            request(call: .lastCall(toExtension: "1001", within: .minutes(5))), event: Ledger.unidentifiedCall())
        #expect(byExtension.callID == "1700000200.9")
        #expect(byExtension.key.identity == "unidentified")
    }

    @Test("a call not in the store is flagged anyway: by id to the organisation, by extension to that extension")
    func flaggedMissingCall() {
        let byID = FlaggedCall(request(call: .callID("lost-call")), event: nil)
        #expect(byID.callID == "lost-call")
        #expect(byID.target == "*")
        #expect(byID.key == IncidentKey(kind: .threat, identity: "unidentified", target: "*"))
        let byExtension = FlaggedCall(request(call: .lastCall(toExtension: "1009", within: .minutes(5))), event: nil)
        #expect(byExtension.callID == "unknown:1009@" + String(Ledger.time(200).microsecondsSinceEpoch))
        #expect(byExtension.target == "1009")
    }

    @Test("a bomb threat opens a critical incident, blocks the caller and alerts at once")
    func bombThreat() throws {
        let flagged = request(.bombThreat, note: "caller named a time", block: true, duration: .hours(24))
        let call = FlaggedCall(flagged, event: Ledger.withheldCall())
        let plan = try ledger.plan(flagged, call: call, crisisLine: nil, openIncident: nil)
        let key = IncidentKey(kind: .bombThreat, identity: "+447700900123", target: "1001")
        #expect(plan.incident == .open(NewIncident(key: key, severity: .critical, openedAt: Ledger.time(200), updatedAt: Ledger.time(200))))
        #expect(plan.log == [
            IncidentLogEntry(time: Ledger.time(200), actor: "pbx:*39 from 1001", action: "opened", note: "opened by an MCID flag (bomb-threat)"),
            IncidentLogEntry(time: Ledger.time(200), actor: "pbx:*39 from 1001", action: "mcid", note: "caller named a time"),
        ])
        #expect(plan.links == ["1700000100.7"])
        #expect(!plan.countsDetection)
        #expect(plan.rule == RuleAddition(
            rule: Rule(
                match: .number(Ledger.caller), action: .block, reason: "MCID bomb-threat flagged by pbx:*39 from 1001",
                createdBy: "pbx:*39 from 1001", createdAt: Ledger.time(200), expiresAt: Ledger.time(200 + 86_400),
                origin: .manual),
            actor: "pbx:*39 from 1001"))
        #expect(plan.alert == AlertDraft(
            event: .flagged, kind: .bombThreat, severity: .critical, status: .open, identity: "+447700900123", target: "1001",
            detail: "call flagged as bomb-threat by pbx:*39 from 1001; number withheld from the employee; caller blocked",
            startsAt: Ledger.time(200)))
    }

    @Test("every flag kind opens its kind's severity; a bomb threat is the loudest")
    func severityByFlagKind() throws {
        for kind in [IncidentKind.threat, .bombThreat, .suicideThreat, .harassment] {
            let flagged = request(kind)
            let plan = try ledger.plan(flagged, call: FlaggedCall(flagged, event: nil), crisisLine: nil, openIncident: nil)
            #expect(plan.alert?.severity == kind.severity)
        }
        #expect(IncidentKind.bombThreat.severity == .critical)
        #expect(IncidentKind.threat.severity == .high)
        #expect(IncidentKind.suicideThreat.severity == .high)
    }

    @Test("a second flag joins the unclosed incident and alerts again, whatever the rate limit")
    func joinsOpenIncident() throws {
        let flagged = request(.bombThreat, actor: "ops:carol")
        let call = FlaggedCall(flagged, event: Ledger.withheldCall())
        let open = Ledger.state(
            id: 11, key: call.key, status: .acknowledged, openedAt: 150, updatedAt: 190,
            alerts: IncidentAlertState(highestAction: .block, lastDetectionAlert: Ledger.time(199)))
        let plan = try ledger.plan(flagged, call: call, crisisLine: nil, openIncident: open)
        #expect(plan.incident == .update(id: 11, status: .acknowledged, updatedAt: Ledger.time(200)))
        #expect(!plan.opensIncident)
        #expect(plan.log.map(\.action) == ["mcid"])
        #expect(plan.log.first?.note == "call flagged as bomb-threat")
        #expect(plan.alert?.event == .flagged)
        #expect(plan.alert?.status == .acknowledged)
        #expect(plan.alert?.startsAt == Ledger.time(150))
        #expect(plan.alertState == nil && !plan.suppressesAlert)
        #expect(plan.rule == nil)
    }

    @Test("a suicide threat never blocks; it may redirect the caller to the crisis line")
    func suicideThreatNeverBlocks() throws {
        let blocking = request(.suicideThreat, block: true)
        #expect(throws: IncidentChangeError.self) { try IncidentLedger.check(blocking, crisisLine: "+442079460999") }
        #expect(throws: IncidentChangeError.self) {
            try ledger.plan(
                blocking, call: FlaggedCall(blocking, event: Ledger.withheldCall()), crisisLine: "+442079460999",
                openIncident: nil)
        }
        let redirecting = request(.suicideThreat, redirect: true)
        let plan = try ledger.plan(
            redirecting, call: FlaggedCall(redirecting, event: Ledger.withheldCall()), crisisLine: "+442079460999",
            openIncident: nil)
        #expect(plan.rule?.rule.action == .redirect(to: "+442079460999"))
        #expect(plan.rule?.rule.match == .number(Ledger.caller))
        #expect(plan.rule?.rule.scope == nil)
        #expect(plan.alert?.detail.hasSuffix("; caller redirected to the crisis line") == true)
        #expect(plan.alert?.severity == .high)
    }

    @Test("a caller without a number cannot be blocked; redirecting them covers the unidentified callers of the extension")
    func unidentifiedCaller() throws {
        let blocking = request(call: .lastCall(toExtension: "1001", within: .minutes(5)), block: true)
        #expect(throws: IncidentChangeError.self) {
            try ledger.plan(blocking, call: FlaggedCall(blocking, event: Ledger.unidentifiedCall()), crisisLine: nil, openIncident: nil)
        }
        let redirecting = request(call: .lastCall(toExtension: "1001", within: .minutes(5)), redirect: true)
        let plan = try ledger.plan(
            redirecting, call: FlaggedCall(redirecting, event: Ledger.unidentifiedCall()), crisisLine: "+442079460999",
            openIncident: nil)
        #expect(plan.rule?.rule.match == .unidentified)
        #expect(plan.rule?.rule.scope == "1001")
        let nowhere = request(call: .callID("lost-call"), redirect: true)
        let organisation = try ledger.plan(
            nowhere, call: FlaggedCall(nowhere, event: nil), crisisLine: "+442079460999", openIncident: nil)
        #expect(organisation.rule?.rule.match == .unidentified)
        #expect(organisation.rule?.rule.scope == nil, "an unknown target redirects for the whole organisation")
    }

    @Test("a redirect needs a crisis line; a bad field is refused before anything is read")
    func refusedRequests() throws {
        let redirecting = request(redirect: true)
        #expect(throws: IncidentChangeError.invalidField("redirect", reason: "needs response.crisis_line in the configuration")) {
            try IncidentLedger.check(redirecting, crisisLine: nil)
        }
        #expect(throws: IncidentChangeError.self) { try IncidentLedger.check(redirecting, crisisLine: "") }
        #expect(throws: IncidentChangeError.self) {
            try ledger.plan(redirecting, call: FlaggedCall(redirecting, event: nil), crisisLine: nil, openIncident: nil)
        }
        let longID = request(call: .callID(String(repeating: "x", count: 300)))
        #expect(throws: IncidentChangeError.invalidField("call_id", reason: "must be 1–256 bytes")) {
            try IncidentLedger.check(longID, crisisLine: nil)
        }
        #expect(throws: Never.self) { try IncidentLedger.check(request(), crisisLine: nil) }
    }

    @Test("flag texts say what happened without a number; the person's note stays out of the alert")
    func flagTexts() throws {
        let flagged = request(actor: "  ext:1001 ", note: "said he knows where +447700900123 lives")
        let missing = try ledger.plan(flagged, call: FlaggedCall(flagged, event: nil), crisisLine: nil, openIncident: nil)
        #expect(missing.alert?.detail == "call flagged as threat by ext:1001; the call is not in the store yet")
        #expect(missing.log.last?.note == "said he knows where +447700900123 lives")
        #expect(missing.log.map(\.actor) == ["ext:1001", "ext:1001"])
        let known = try ledger.plan(flagged, call: FlaggedCall(flagged, event: Ledger.withheldCall()), crisisLine: nil, openIncident: nil)
        #expect(known.alert?.detail == "call flagged as threat by ext:1001; number withheld from the employee")
        #expect(known.alert?.detail.contains("7700900123") == false)
        #expect(known.alert?.notice(id: 1, key: "k", incidentID: 2, createdAt: Ledger.time(201)).maskedIdentity == "+447*******23")
        #expect(AlertText.flag(.threat, by: "a", callStored: true, withheld: false, rule: .block) == "call flagged as threat by a; caller blocked")
    }

    @Test("a withdrawal is checked once for both stores: trimmed, refused without a reason (first) or an actor, noted and audited")
    func withdrawalRecord() throws {
        let withdrawal = try MCIDWithdrawal(flagID: 7, actor: "  ops:ana ", reason: " wrong call\t", time: Ledger.time(300)).checked()
        #expect(withdrawal.actor == "ops:ana")
        #expect(withdrawal.reason == "wrong call")
        let note = try withdrawal.note(incidentID: 3)
        #expect(note.incidentID == 3 && note.actor == "ops:ana" && note.time == Ledger.time(300))
        #expect(note.note == "MCID flag 7 withdrawn (wrong call): wrong call")
        #expect(withdrawal.audit.action == "mcid.withdraw" && withdrawal.audit.subject == "mcid flag 7")
        #expect(withdrawal.audit.detail == "wrong call")
        #expect(throws: IncidentChangeError.invalidField("reason", reason: "must not be empty")) {
            try MCIDWithdrawal(flagID: 7, actor: " ", reason: " ", time: Ledger.time(300)).checked()
        }
        #expect(throws: IncidentChangeError.invalidField("by", reason: "must not be empty")) {
            try MCIDWithdrawal(flagID: 7, actor: "", reason: "x", time: Ledger.time(300)).checked()
        }
        #expect(withdrawal.withdrawnAlready.description.contains("MCID flag 7 was withdrawn already"))
    }
}
