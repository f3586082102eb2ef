import ArgumentParser
import CallModel
import CDRIngest
import CallPipeline
import CallwardenApp
import Foundation

struct Blocks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, add and remove block-list entries. Every change is audited with who and why.",
        subcommands: [List.self, Add.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List block and redirect rules in force.")
        @OptionGroup var options: ConfigOption
        @Flag(name: .long, help: "Include expired rules.") var all = false

        func run() async throws {
            let store = try options.load().openStore()
            let rules = try store.rules(activeAt: WallClock.now(), includeExpired: all)
            print(RuleTable.render(rules))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block a number, a number range (+44113496*) or unidentified callers.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "A number in any form the PBX writes, a prefix ending in *, or 'unidentified'.")
        var match: String
        @Option(name: .long, help: "Why (kept in the audit log and shown to ops).") var reason: String
        @Option(name: .long, help: "Who is making the change (default: the login name).") var by: String?
        @Option(name: .long, help: "Limit the block to calls to this extension.") var scope: String?
        @Option(name: .long, help: "Expire after this long (e.g. 24h, 7d); default never.") var expires: String?

        func run() async throws {
            let configuration = try options.load()
            guard let ruleMatch = RuleMatch(text: match, plan: configuration.plan) else {
                throw ValidationError("\"\(match)\" is not a number, a prefix such as +44113496* or 'unidentified'")
            }
            var expiry: TimeSpan?
            if let expires {
                guard let span = TimeSpan(parsing: expires), span.microseconds > 0 else {
                    throw ValidationError("--expires \"\(expires)\" is not a duration (45s, 30m, 12h, 7d)")
                }
                expiry = span
            }
            let now = WallClock.now()
            let actor = Actor.resolve(by)
            let rule = Rule(
                match: ruleMatch, scope: scope, action: .block, reason: reason, createdBy: actor, createdAt: now,
                expiresAt: expiry.map { now + $0 }, origin: .manual)
            let stored = try configuration.openStore().addRule(rule, actor: actor)
            print("added rule \(stored.id ?? 0): block \(ruleMatch.text)\(scope.map { " to \($0)" } ?? "")")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a rule by its id (see `blocks list`).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Rule id.") var id: Int64
        @Option(name: .long, help: "Why (kept in the audit log).") var reason: String
        @Option(name: .long, help: "Who is making the change (default: the login name).") var by: String?

        func run() async throws {
            let store = try options.load().openStore()
            guard try store.removeRule(id: id, actor: Actor.resolve(by), reason: reason, at: WallClock.now()) else {
                throw ValidationError("no rule with id \(id)")
            }
            print("removed rule \(id)")
        }
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
    static func render(_ rules: [Rule]) -> String {
        guard !rules.isEmpty else { return "no rules" }
        var rows = [["ID", "MATCH", "SCOPE", "ACTION", "EXPIRES", "BY", "REASON"]]
        for rule in rules {
            var action = rule.action.name
            if let target = rule.action.redirectTarget { action += " → " + target }
            rows.append([
                String(rule.id ?? 0), rule.match.text, rule.scope ?? "*", action,
                rule.expiresAt?.rfc3339 ?? "never", rule.createdBy, rule.reason,
            ])
        }
        return TextTable.render(rows)
    }
}

enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
