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
        abstract: "List, add and remove block-list entries. Every change is audited with who and why.",
        subcommands: [List.self, Add.self, Remove.self])

    /// Removing works the same for every kind of rule.
    typealias Remove = RemoveRule

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List block and redirect rules in force.")
        @OptionGroup var options: ConfigOption
        @Flag(name: .long, help: "Include expired rules.") var all = false

        func run() async throws {
            let configuration = try options.load()
            let rules = try configuration.openStore().rules(activeAt: WallClock.system.now(), includeExpired: all)
            printLines(RuleTable.render(rules, plan: configuration.plan))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block a number, a number range (+44113496*) or unidentified callers; or allow or flag them.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var rule: RuleOptions
        @Option(
            name: .long,
            help: "block (reject the call), allow (an allow-list entry that overrides blocks of equal or shorter prefix) or flag (let through, mark MCID-style).")
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
            print("added rule \(stored.id ?? 0): \(RuleOptions.summary(of: stored))")
        }
    }
}

struct RemoveRule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a rule by its id (see `blocks list`).")
    @OptionGroup var options: ConfigOption
    @Argument(help: "Rule id.") var id: Int64
    @Option(name: .long, help: "Why (kept in the audit log).") var reason: String
    @Option(name: .long, help: "Who is making the change (default: the login name).") var by: String?

    func run() async throws {
        let store = try options.load().openStore()
        guard try store.removeRule(id: id, actor: Actor.resolve(by), reason: reason, at: WallClock.system.now()) else {
            throw ValidationError("no rule with id \(id)")
        }
        print("removed rule \(id)")
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
    /// Numbers in `plan`'s national format (``NumberPlan/shown(_:)``).
    static func render(_ rules: [Rule], plan: NumberPlan) -> String {
        guard !rules.isEmpty else { return "no rules" }
        var rows = [["ID", "MATCH", "SCOPE", "ACTION", "WHEN", "EXPIRES", "BY", "REASON"]]
        for rule in rules {
            var action = rule.action.name
            if let target = rule.action.redirectTarget { action += " → " + plan.shown(target) }
            rows.append([
                String(rule.id ?? 0), plan.shown(rule.match), rule.scope ?? "*", action, rule.schedule?.description ?? "always",
                rule.expiresAt?.rfc3339 ?? "never", rule.createdBy, rule.reason,
            ])
        }
        return TextTable.render(rows)
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
