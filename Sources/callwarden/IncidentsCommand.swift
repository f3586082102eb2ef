import ArgumentParser
import CallModel
import CallwardenPorts
import Ingest
import CallwardenApp
import CDRIngest
import Evidence
import SystemClock
import Foundation
import Incidents

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List, show and handle incidents (acknowledge, report to police, close, note) and export evidence.",
        subcommands: [List.self, Show.self, Acknowledge.self, Report.self, Close.self, Note.self, Export.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Incidents, the most recently active first.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var reader: ReaderOption
        @Option(name: .long, help: "Only this status: open, acknowledged, reported, closed.") var status: String?
        @Option(name: .long, help: "At most this many.") var limit = 50
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            var wanted: IncidentStatus?
            if let status {
                guard let parsed = IncidentStatus(word: status) else {
                    throw ValidationError("--status \"\(status)\" is not open, acknowledged, reported or closed")
                }
                wanted = parsed
            }
            let configuration = try options.load()
            let reader = try reader.reader(configuration.openTokenStore())
            let incidents = try configuration.openIncidentStore().incidents(status: wanted, limit: max(1, limit))
            try reader.audit("cli.read", subject: "incidents", shownWhole: reader.seesIdentities && !incidents.isEmpty)
            if json { return try JSONOutput.print(incidents.map { JSONOutput.IncidentJSON($0, reader: reader) }) }
            guard !incidents.isEmpty else { return print("no incidents") }
            var rows = [["ID", "KIND", "SEVERITY", "STATUS", "CALLER", "TARGET", "OPENED", "LAST ACTIVITY"]]
            for incident in incidents {
                rows.append([
                    String(incident.id), incident.kind.rawValue, incident.severity.rawValue, incident.status.label,
                    reader.shownIdentity(incident, plan: configuration.plan), incident.target, incident.openedAt.rfc3339, incident.updatedAt.rfc3339,
                ])
            }
            printLines(TextTable.render(rows))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "An incident's timeline: calls, detections, decisions, flags, recordings, notes.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var reader: ReaderOption
        @Argument(help: "Incident id.") var id: Int64
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            let configuration = try options.load()
            let reader = try reader.reader(configuration.openTokenStore())
            guard let timeline = try configuration.openIncidentStore().timeline(incidentID: id) else {
                throw ValidationError("no incident with id \(id)")
            }
            // As on the API (`GET /v1/incidents/{id}`): a view of the whole timeline is audited.
            try reader.audit("incident.view", subject: "incident \(id)", shownWhole: reader.seesIdentities)
            if json { return try JSONOutput.print(JSONOutput.IncidentTimelineJSON(timeline, reader: reader)) }
            let incident = timeline.incident
            print("incident \(incident.id): \(incident.kind.title) — \(incident.severity.rawValue), \(incident.status.label)")
            print("caller \(reader.identity(incident)), target \(incident.target), opened \(incident.openedAt.rfc3339)")
            for entry in timeline.entries { print(entry.time.rfc3339 + "  " + Self.describe(entry, reader: reader)) }
        }

        static func describe(_ entry: TimelineEntry, reader: Reader) -> String {
            switch entry {
            case .call(let call):
                let asserted = call.caller.assertedIdentity.map { " (asserted \(reader.callNumber($0)))" } ?? ""
                let outcome = call.wasBlocked ? "blocked by rule \(call.decision?.ruleID.map(String.init) ?? "-")" : call.disposition?.rawValue ?? "in progress"
                let witnesses = call.witnesses.map { "\($0.source.rawValue) \($0.phase.rawValue)" }.joined(separator: ", ")
                let number = call.caller.number.map(reader.callNumber) ?? "-"
                let name = call.caller.displayName.map { " \"\(reader.callText($0))\"" } ?? ""
                return "call \(call.callID): \(reader.callText(call.caller.raw))\(name) → \(number)\(asserted) to \(call.callee.raw), \(outcome) (witnesses: \(witnesses))"
            case .detection(let detection):
                return "detection \(detection.kind.rawValue): \(detection.calls) calls, action \(detection.action.rawValue), offence \(detection.offence)"
            case .decision(let decision):
                return "rule \(RuleSelector.text(decision.ruleID)): \(reader.callNumbers(in: decision.summary)) by \(decision.createdBy)"
            case .flag(let flag):
                let withdrawn = flag.withdrawal.map { " (WITHDRAWN by \($0.actor) at \($0.time.rfc3339): \($0.reason))" } ?? ""
                return "MCID flag \(flag.id) \(flag.kind.rawValue) on call \(flag.callID) by \(flag.flaggedBy): \(flag.note)\(withdrawn)"
            case .recording(let recording):
                // A recording's file name often carries the caller's number (MixMonitor's default).
                return "recording of call \(recording.callID): \(reader.callText(recording.location)) sha256 \(recording.sha256 ?? "-")"
            case .log(let log): return "\(log.action) by \(log.actor)" + (log.note.isEmpty ? "" : ": \(log.note)")
            }
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "acknowledge", abstract: "Security has seen the incident and handles it.")
        @OptionGroup var change: StatusChange
        func run() async throws { try change.apply(.acknowledged) }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "report", abstract: "The incident was reported to the police (put the report's reference in --note).")
        @OptionGroup var change: StatusChange
        func run() async throws { try change.apply(.reported) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close the incident (a note is required); its alerts resolve.")
        @OptionGroup var change: StatusChange
        func run() async throws { try change.apply(.closed) }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to an incident (audited).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Incident id.") var id: Int64
        @Argument(help: "The note.") var note: String
        @Option(name: .long, help: "Who is writing (default: the login name).") var by: String?

        func run() async throws {
            try IncidentErrors.mapped {
                try options.load().openIncidentStore().addNote(incidentID: id, actor: Actor.resolve(by), note: note, at: WallClock.system.now())
            }
            print("note added to incident \(id)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the evidence bundle (report.html, report.json, recordings, MANIFEST.sha256) into a new directory.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Incident id.") var id: Int64
        @Option(name: .long, help: "Directory to create (must not exist or be empty).") var out: String
        @Option(name: .long, help: "Who is exporting, for the audit log (default: the login name).") var by: String?

        func run() async throws {
            let configuration = try options.load()
            let store = try configuration.openIncidentStore()
            guard let timeline = try store.timeline(incidentID: id) else { throw ValidationError("no incident with id \(id)") }
            let key = try configuration.evidenceSigningKey()
            let bundle = try configuration.evidenceExporter(signingKey: key).export(
                timeline, to: out, chain: try configuration.evidenceChainHead())
            try store.addNote(
                incidentID: id, actor: Actor.resolve(by),
                note: "evidence exported to \(out) (\(bundle.files.count) files, MANIFEST.sha256 signed by key \(key.fingerprint.prefix(16)))",
                at: WallClock.system.now())
            for recording in bundle.recordings where recording.status == .altered || recording.status == .missing {
                print("warning: recording \(recording.recording.location) is \(recording.status.rawValue)")
            }
            print("exported incident \(id) to \(out): \(bundle.files.count) files; check with: callwarden evidence verify-bundle \(out)")
        }
    }
}

/// The options of a status change.
struct StatusChange: ParsableArguments {
    @OptionGroup var options: ConfigOption
    @Argument(help: "Incident id.") var id: Int64
    @Option(name: .long, help: "Why, or the police report's reference (required to close).") var note = ""
    @Option(name: .long, help: "Who is making the change (default: the login name).") var by: String?

    func apply(_ status: IncidentStatus) throws {
        let incident = try IncidentErrors.mapped {
            try options.load().openIncidentStore().changeStatus(
                incidentID: id, to: status, actor: Actor.resolve(by), note: note, at: WallClock.system.now())
        }
        print("incident \(incident.id) is now \(incident.status.label)")
    }
}

/// Turns a refused change into a command-line error with its reason.
enum IncidentErrors {
    static func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as IncidentChangeError {
            throw ValidationError(error.description)
        }
    }
}
