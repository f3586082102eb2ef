import ArgumentParser
import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import SystemClock
import PeopleAPI

/// `callwarden tokens create|list|revoke`: the people's API tokens, made on the host by an
/// administrator (the CLI works on the store; the running daemon reads it per request, so a revoked
/// token is refused at its next request).
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Make, list and revoke the tokens people use on the api listener (API and console).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Make a token; it is printed once, as the last line of output, and only its hash is stored.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The token's name (1–64 of a-z A-Z 0-9 . _ -); the audit log names its actions by it.")
        var name: String
        @Option(name: .long, help: "viewer, ops, security, admin, or pbx (a PBX that may only raise MCID flags; README: the permission matrix).") var role: String
        @Option(name: .long, help: "Who is making it (default: the login name).") var by: String?

        func run() async throws {
            guard AccessTokenName.isValid(name) else { throw ValidationError("the name must be 1–64 of a-z A-Z 0-9 . _ -") }
            guard let accessRole = AccessRole(rawValue: role) else {
                throw ValidationError("--role \"\(role)\" is not viewer, ops, security, admin or pbx")
            }
            let store = try options.load().openTokenStore()
            let token: AccessTokenText
            do {
                token = try AccessTokenIssuer.issue(name: name, role: accessRole, actor: Actor.resolve(by), at: WallClock.system.now(), store: store)
            } catch let error as AccessTokenError {
                throw ValidationError(error.description)
            }
            print("token \(name) (\(accessRole.rawValue)) made; it is shown only now: keep it where only its holder can read it")
            printLines(token.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every token ever made (never its secret).")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let tokens = try options.load().openTokenStore().tokens()
            guard !tokens.isEmpty else {
                print("no tokens")
                return
            }
            var rows = [["NAME", "ROLE", "CREATED", "BY", "REVOKED"]]
            for token in tokens {
                rows.append([token.name, token.role.rawValue, token.createdAt.rfc3339, token.createdBy, token.revokedAt?.rfc3339 ?? "-"])
            }
            printLines(TextTable.render(rows))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token; the running daemon refuses it at its next request.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The token's name.") var name: String
        @Option(name: .long, help: "Who is revoking it (default: the login name).") var by: String?

        func run() async throws {
            let store = try options.load().openTokenStore()
            guard try store.revokeToken(name: name, actor: Actor.resolve(by), at: WallClock.system.now()) else {
                throw ValidationError("no live token named \(name)")
            }
            print("revoked token \(name)")
        }
    }
}

/// `callwarden audit [--since 24h] [--json]`: the audit log, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit log: every change and every view of sensitive data, with who and when.")
    @OptionGroup var options: ConfigOption
    @Option(name: .long, help: "From this RFC 3339 time, or this far back (24h, 7d).") var since: String?
    @Option(name: .long, help: "At most this many entries.") var limit = 200
    @Flag(name: .long, help: "One JSON object per line.") var json = false

    func run() async throws {
        var from: Timestamp?
        if let since {
            guard let parsed = AuditTime.parse(since, now: WallClock.system.now()) else {
                throw ValidationError("--since \"\(since)\" is not an RFC 3339 time or a duration (24h, 7d)")
            }
            from = parsed
        }
        let entries = try options.load().openTokenStore().auditLog(since: from, limit: limit)
        if json {
            for entry in entries {
                let object: [String: String] = [
                    "time": entry.time.rfc3339, "actor": entry.actor, "action": entry.action, "subject": entry.subject, "detail": entry.detail,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                printLines(InertText.json(String(decoding: data, as: UTF8.self)))
            }
            return
        }
        guard !entries.isEmpty else {
            print("no audit entries")
            return
        }
        var rows = [["TIME", "ACTOR", "ACTION", "SUBJECT", "DETAIL"]]
        for entry in entries { rows.append([entry.time.rfc3339, entry.actor, entry.action, entry.subject, entry.detail]) }
        printLines(TextTable.render(rows))
    }
}
