import ArgumentParser
import CallModel
import CallwardenPorts
import Ingest
import SystemClock
import CallwardenApp
import CDRIngest
import Incidents

struct MCIDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcid",
        abstract: "Flag a call as malicious (the default), or withdraw a flag that named the wrong call.",
        subcommands: [MCIDFlagCommand.self, MCIDWithdrawCommand.self], defaultSubcommand: MCIDFlagCommand.self)
}

struct MCIDWithdrawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Withdraw an MCID flag that named the wrong call (kept on record with who, when and why; audited).")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The flag's id (incidents show).") var flag: Int64
    @Option(name: .long, help: "Why (e.g. which call was meant).") var reason: String
    @Option(name: .long, help: "Who is withdrawing it (default: the login name).") var by: String?

    func run() async throws {
        let configuration = try options.load()
        let withdrawn = try IncidentErrors.mapped {
            try configuration.openIncidentStore().withdrawFlag(
                MCIDWithdrawal(flagID: flag, actor: Actor.resolve(by), reason: reason, time: WallClock.system.now()))
        }
        print("MCID flag \(withdrawn.id) on call \(withdrawn.callID) withdrawn; incident \(withdrawn.incidentID) keeps it on record")
    }
}

struct MCIDFlagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag",
        abstract: "Flag a call as malicious: capture its identity, open an incident, alert at once (optionally block or redirect).")
    @OptionGroup var options: ConfigOption
    @OptionGroup var reader: ReaderOption
    @Option(name: .long, help: "The call's id (SIP Call-ID, Asterisk uniqueid or linkedid).") var callID: String?
    @Option(name: .long, help: "Or: the call that reached this extension (rang or was answered there) ...") var `extension`: String?
    @Option(name: .long, help: "... that started within this long (default: incidents.mcid_window).") var within: String?
    @Flag(name: .long, help: "With --extension: when several calls reached it, take the latest (otherwise they are listed).")
    var latest = false
    @Option(name: .long, help: "threat, bomb-threat, suicide-threat, harassment, stalking, anonymous, number-hopping.") var kind: String
    @Option(name: .long, help: "What was said, what happened.") var note = ""
    @Option(name: .long, help: "Who is flagging (default: the login name).") var by: String?
    @Flag(name: .long, help: "Block the caller's number in the same step (not for a suicide threat).") var block = false
    @Flag(name: .long, help: "Redirect the caller to the crisis line in the same step.") var redirect = false
    @Option(name: .long, help: "How long the block or redirect lasts (e.g. 7d); default until removed.") var ruleDuration: String?

    func run() async throws {
        let configuration = try options.load()
        let reader = try reader.reader(configuration.openTokenStore())
        guard let incidentKind = IncidentKind(rawValue: kind) else {
            throw ValidationError("--kind \"\(kind)\" is not one of " + IncidentKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let selector: MCIDCallSelector
        if let callID {
            selector = .callID(callID)
        } else if let `extension` {
            var window = configuration.incidents.mcidWindow
            if let within {
                guard let span = TimeSpan(parsing: within), span.microseconds > 0 else {
                    throw ValidationError("--within \"\(within)\" is not a duration (90s, 10m)")
                }
                window = span
            }
            selector = .lastCall(toExtension: `extension`, within: window)
        } else {
            throw ValidationError("give --call-id, or --extension (with --within)")
        }
        var duration: TimeSpan?
        if let ruleDuration {
            guard let span = TimeSpan(parsing: ruleDuration), span.microseconds > 0 else {
                throw ValidationError("--rule-duration \"\(ruleDuration)\" is not a duration (24h, 7d)")
            }
            duration = span
        }
        let request = MCIDRequest(
            call: selector, kind: incidentKind, actor: Actor.resolve(by), note: note, time: WallClock.system.now(),
            addBlock: block, addRedirect: redirect, ruleDuration: duration, latestOfSeveral: latest)
        let outcome: MCIDOutcome
        do {
            outcome = try IncidentErrors.mapped {
                try configuration.openIncidentStore().flagMaliciousCall(request, crisisLine: configuration.normalisedCrisisLine)
            }
        } catch let ambiguous as MCIDAmbiguousCall {
            var rows = [["CALL ID", "STARTED", "CALLER", "DISPOSITION"]]
            for candidate in ambiguous.candidates {
                rows.append([
                    candidate.callID, candidate.start.rfc3339,
                    candidate.caller.number.map { reader.seesIdentities ? configuration.plan.nationalFormat($0) : $0.masked }
                        ?? reader.callText(candidate.caller.raw),
                    candidate.disposition?.rawValue ?? "in progress",
                ])
            }
            printLines(TextTable.render(rows))
            try reader.audit("cli.read", subject: "calls to extension \(`extension` ?? "")", shownWhole: reader.seesIdentities)
            throw ValidationError(
                "\(ambiguous.candidates.count) calls reached extension \(`extension` ?? "") in the window: nothing flagged; "
                    + "give --call-id with one of them, or --latest for the newest")
        }
        let call = outcome.flag.call
        print("call \(outcome.flag.callID) flagged as \(incidentKind.rawValue): incident \(outcome.incident.id) (\(outcome.openedIncident ? "opened" : "joined"), \(outcome.incident.severity.rawValue))")
        if let call {
            let asserted = call.caller.assertedIdentity.map { ", asserted identity \(reader.callNumber($0))" } ?? ""
            let number = call.caller.number.map { ", number \(reader.callNumber($0))" } ?? ""
            print("caller as received \(reader.callText(call.caller.raw))\(number)\(asserted)")
        } else {
            print("the call is not in the store (yet); it joins the incident's timeline when it arrives")
        }
        if !outcome.ruleIDs.isEmpty { print("added rule " + outcome.ruleIDs.map(RuleSelector.text).joined(separator: ", ")) }
        print("alert \(outcome.alertKey) queued for every sink")
    }
}
