import ArgumentParser
import CallModel
import Ingest
import CDRIngest
import CallPipeline
import CallwardenPorts
import CallwardenApp
import SystemClock
import Foundation

struct Blocks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocks",
        abstract: "List, show, add and remove block-list entries. Every change is audited with who and why.",
        discussion: """
            Rule ids are written with an r (r112) wherever they are shown and taken; anything else is a \
            number (+447700900123, 07700 900123, 00447700900123), so `remove 112` can never remove rule r112.
            """,
        subcommands: [List.self, Show.self, Add.self, Remove.self])

    /// Removing works the same for every kind of rule.
    typealias Remove = RemoveRule

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List block and redirect rules in force.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var reader: ReaderOption
        @Flag(name: .long, help: "Include expired rules and removed ones (with who removed them, when and why).") var all = false
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            let configuration = try options.load()
            try RuleListing.show(configuration: configuration, reader: reader, all: all, json: json) { _ in true }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "A rule (in force, expired or removed): who or which detection made it and why, the calls that triggered it, its incident, hits and last hit.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var reader: ReaderOption
        @Argument(help: "A rule id (r112) or a number (all of its rules).") var target: String
        @Flag(name: .long, help: "One JSON document (numbers in E.164).") var json = false

        func run() async throws {
            let configuration = try options.load()
            let reader = try reader.reader(configuration.openTokenStore())
            let selector = try RuleTarget.parse(target, plan: configuration.plan)
            let details = try configuration.openRuleCorrections().ruleDetails(selector)
            let now = WallClock.system.now()
            try reader.audit("cli.read", subject: "rules " + details.map { RuleSelector.text($0.rule.id ?? 0) }.joined(separator: ","),
                             shownWhole: reader.seesNumbers && !details.isEmpty)
            if json { return try JSONOutput.print(details.map { JSONOutput.RuleDetailJSON($0, now: now, reader: reader) }) }
            guard !details.isEmpty else { throw ValidationError("no rule for \(selector)") }
            for (index, detail) in details.enumerated() {
                if index > 0 { print("") }
                RuleDetailText.show(detail, plan: configuration.plan, now: now, reader: reader)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Block a number, a number range (+44113496*) or unidentified callers; or allow or flag them.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var rule: RuleOptions
        @Option(
            name: .long,
            help: "block (reject the call), allow (an allow-list entry: overrides blocks of equal or shorter prefix and, for every extension at every hour, stops the number being counted) or flag (let through, mark MCID-style).")
        var action: String = "block"

        func run() async throws {
            let configuration = try options.load()
            let ruleAction: RuleAction
            switch action {
            case "block": ruleAction = .block
            case "allow": ruleAction = .allow
            case "flag": ruleAction = .flag
            default: throw ValidationError("--action \"\(action)\" is not block, allow or flag (redirects: `callwarden redirects add`)")
            }
            let stored = try rule.add(action: ruleAction, configuration: configuration)
            print("added rule \(RuleSelector.text(stored.id ?? 0)): \(RuleOptions.summary(of: stored))")
        }
    }
}

/// `r112` is a rule id; anything else must be a number. Never a bare integer as an id.
enum RuleTarget {
    static func parse(_ text: String, plan: NumberPlan) throws -> RuleSelector {
        if let id = RuleSelector.ruleID(text) { return .id(id) }
        if let number = plan.normalise(text).e164 { return .number(number) }
        throw ValidationError("\"\(text)\" is neither a rule id (written r112) nor a number")
    }
}

/// `blocks list` and `redirects list`: rules in force, or with `--all` also expired and removed ones.
enum RuleListing {
    static func show(
        configuration: CallwardenConfiguration, reader option: ReaderOption, all: Bool, json: Bool, including: (Rule) -> Bool
    ) throws {
        let reader = try option.reader(configuration.openTokenStore())
        let now = WallClock.system.now()
        let store = try configuration.openRuleCorrections()
        let rules = try store.rules(activeAt: now, includeExpired: all).filter(including)
        let removed = all ? try store.removedRules(limit: Int.max).filter { including($0.rule) } : []
        let numbers = (rules + removed.map(\.rule)).contains { if case .number = $0.match { true } else { false } }
        try reader.audit("cli.read", subject: all ? "rules (all)" : "rules", shownWhole: reader.seesNumbers && numbers)
        if json {
            return try JSONOutput.print(
                rules.map { JSONOutput.RuleJSON($0, now: now, reader: reader) }
                    + removed.map { JSONOutput.RuleJSON($0.rule, removal: $0, now: now, reader: reader) })
        }
        printLines(RuleTable.render(rules, removed: removed, plan: configuration.plan, now: now, reader: reader, showStatus: all))
    }
}

/// `blocks remove` and `redirects remove`.
struct RemoveRule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a rule by its id (r112) or every rule on a number; it stays in the history (blocks list --all).",
        discussion: """
            With --false-positive (the block was wrong) the number also goes on the store's allow list (an allow \
            rule: it is no longer counted, blocked or alerted on until that rule is removed), its escalation is \
            reset, and its open incidents are closed with the outcome "false positive".
            """)
    @OptionGroup var options: ConfigOption
    @Argument(help: "A rule id (r112) or a number (+447700900123); a bare 112 is a number, never rule r112.") var target: String
    @Option(name: .long, help: "Why (kept in the history and the audit log).") var reason: String
    @Flag(name: .long, help: "The block was wrong: allow the number, reset its escalation, close its incidents as a false positive.")
    var falsePositive = false
    @Option(name: .long, help: "Who is making the change (default: the login name).") var by: String?

    func run() async throws {
        let configuration = try options.load()
        let selector = try RuleTarget.parse(target, plan: configuration.plan)
        let outcome: RuleRemovalOutcome
        do {
            outcome = try configuration.openRuleCorrections().removeRules(
                RuleRemoval(
                    selector: selector, actor: Actor.resolve(by), reason: reason, falsePositive: falsePositive,
                    time: WallClock.system.now()))
        } catch let error as RuleCorrectionError {
            throw ValidationError(error.description)
        }
        for rule in outcome.removed {
            print("removed rule \(RuleSelector.text(rule.id ?? 0)): \(RuleOptions.summary(of: rule))")
        }
        if outcome.escalationReset { print("escalation of \(selector) reset") }
        if let allow = outcome.allowRule {
            print("added rule \(RuleSelector.text(allow.id ?? 0)): \(RuleOptions.summary(of: allow)) (no longer counted until removed)")
        }
        for id in outcome.closedIncidentIDs { print("closed incident \(id): false positive") }
    }
}

/// Who is making a change: `--by`, else the login name (through sudo too).
enum Actor {
    static func resolve(_ given: String?) -> String {
        if let given, !given.isEmpty { return given }
        let environment = ProcessInfo.processInfo.environment
        return "cli:" + (environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown")
    }
}

enum RuleTable {
    /// Numbers in `plan`'s national format (``NumberPlan/shown(_:)``); ids as `r112`. With
    /// `showStatus`, a STATUS column (active, expired, removed) and the removed rules after the others.
    static func render(
        _ rules: [Rule], removed: [RemovedRule] = [], plan: NumberPlan, now: Timestamp, reader: Reader, showStatus: Bool = false
    ) -> String {
        guard !rules.isEmpty || !removed.isEmpty else { return "no rules" }
        var header = ["ID", "MATCH", "SCOPE", "ACTION", "WHEN", "EXPIRES", "BY", "REASON"]
        if showStatus { header.insert("STATUS", at: 1) }
        var rows = [header]
        func row(_ rule: Rule, status: String, reason: String) -> [String] {
            var action = rule.action.name
            if let target = rule.action.redirectTarget { action += " → " + plan.shown(target) }
            var cells = [
                RuleSelector.text(rule.id ?? 0), reader.shown(rule.match, plan: plan), rule.scope ?? "*", action, rule.schedule?.description ?? "always",
                rule.expiresAt?.rfc3339 ?? "never", rule.createdBy, reason,
            ]
            if showStatus { cells.insert(status, at: 1) }
            return cells
        }
        for rule in rules { rows.append(row(rule, status: rule.isActive(at: now) ? "active" : "expired", reason: rule.reason)) }
        for entry in removed {
            let how = entry.falsePositive ? "removed as false positive" : "removed"
            rows.append(row(entry.rule, status: "removed", reason: "\(entry.rule.reason); \(how) \(entry.removedAt.rfc3339) by \(entry.removedBy): \(entry.reason)"))
        }
        return TextTable.render(rows)
    }
}

/// `blocks show` as text.
enum RuleDetailText {
    static func show(_ detail: RuleDetail, plan: NumberPlan, now: Timestamp, reader: Reader) {
        let rule = detail.rule
        let status = detail.removal != nil ? "removed" : rule.isActive(at: now) ? "active" : "expired"
        print("rule \(RuleSelector.text(rule.id ?? 0)) (\(status)): \(rule.action.name) \(reader.shown(rule.match, plan: plan))"
            + (rule.scope.map { " for extension \($0)" } ?? "") + (rule.schedule.map { " during \($0)" } ?? ""))
        print("made by \(rule.createdBy) (\(rule.origin.rawValue)) at \(rule.createdAt.rfc3339): \(rule.reason)")
        print("expires " + (rule.expiresAt?.rfc3339 ?? "never"))
        if let removal = detail.removal {
            print("removed\(removal.falsePositive ? " as a false positive" : "") by \(removal.removedBy) at \(removal.removedAt.rfc3339): \(removal.reason)")
        }
        for detection in detail.detections {
            print("detection \(detection.kind.rawValue): \(detection.calls) calls to \(detection.target) from \(detection.first.rfc3339) to \(detection.last.rfc3339), offence \(detection.offence), action \(detection.action.rawValue)")
            print("  calls: " + detection.callIDs.joined(separator: ", "))
        }
        for incident in detail.incidents {
            print("incident \(incident.id): \(incident.kind), \(incident.status)" + (incident.outcome.map { " (\($0))" } ?? ""))
        }
        print("hits: \(detail.hits)" + (detail.lastHit.map { ", last \($0.rfc3339)" } ?? ""))
    }
}

/// Rows as aligned columns; every cell escaped (``InertText/line``) before it is measured.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let rows = rows.map { $0.map(InertText.line) }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
