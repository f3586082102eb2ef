import ArgumentParser
import CallModel
import Ingest
import SystemClock
import CallwardenApp
import CDRIngest
import Incidents

struct MCIDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcid",
        abstract: "Flag a call as malicious: capture its identity, open an incident, alert at once (optionally block or redirect).")
    @OptionGroup var options: ConfigOption
    @Option(name: .long, help: "The call's id (SIP Call-ID, Asterisk uniqueid or linkedid).") var callID: String?
    @Option(name: .long, help: "Or: the last call to this extension ...") var `extension`: String?
    @Option(name: .long, help: "... that started within this long (default: incidents.mcid_window).") var within: String?
    @Option(name: .long, help: "threat, bomb-threat, suicide-threat, harassment, stalking, anonymous, number-hopping.") var kind: String
    @Option(name: .long, help: "What was said, what happened.") var note = ""
    @Option(name: .long, help: "Who is flagging (default: the login name).") var by: String?
    @Flag(name: .long, help: "Block the caller's number in the same step (not for a suicide threat).") var block = false
    @Flag(name: .long, help: "Redirect the caller to the crisis line in the same step.") var redirect = false
    @Option(name: .long, help: "How long the block or redirect lasts (e.g. 7d); default until removed.") var ruleDuration: String?

    func run() async throws {
        let configuration = try options.load()
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
            addBlock: block, addRedirect: redirect, ruleDuration: duration)
        let outcome = try IncidentErrors.mapped {
            try configuration.openIncidentStore().flagMaliciousCall(request, crisisLine: configuration.normalisedCrisisLine)
        }
        let call = outcome.flag.call
        print("call \(outcome.flag.callID) flagged as \(incidentKind.rawValue): incident \(outcome.incident.id) (\(outcome.openedIncident ? "opened" : "joined"), \(outcome.incident.severity.rawValue))")
        if let call {
            let asserted = call.caller.assertedIdentity.map { ", asserted identity \($0.description)" } ?? ""
            print("caller as received \(call.caller.raw)\(call.caller.number.map { ", number \($0.description)" } ?? "")\(asserted)")
        } else {
            print("the call is not in the store (yet); it joins the incident's timeline when it arrives")
        }
        if !outcome.ruleIDs.isEmpty { print("added rule " + outcome.ruleIDs.map(String.init).joined(separator: ", ")) }
        print("alert \(outcome.alertKey) queued for every sink")
    }
}
