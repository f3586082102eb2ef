import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Logging
import PostgresStore
import Testing

@Suite("store.url: the shared PostgreSQL store in the configuration")
struct SharedStoreConfigurationTests {
    /// A temporary directory with a 0600 password file in it.
    static func directory(password: String = "s3cret-pg") throws -> String {
        let directory = FileManager.default.temporaryDirectory.path + "/callwarden-shared-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(
            atPath: directory + "/pg.secret", contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return directory
    }

    @Test("url, password_file and node are read; the URL as printed never holds the password")
    func readsURLPasswordAndNode() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try CallwardenConfiguration.parse(
            yaml: """
                store:
                  url: postgresql://callwarden@db.example.invalid:6543/callwarden
                  password_file: pg.secret
                  node: leeds-1
                """,
            baseDirectory: directory)
        let shared = try #require(configuration.sharedStore)
        #expect(shared.node == "leeds-1")
        #expect(shared.postgres.endpoint == .tcp(host: "db.example.invalid", port: 6543))
        #expect(shared.postgres.password == "s3cret-pg")
        #expect("\(shared.postgres)" == "postgresql://callwarden@db.example.invalid:6543/callwarden")
        #expect(!"\(shared)".contains("s3cret"))
        var dumped = ""
        dump(shared, to: &dumped)
        #expect(!dumped.contains("s3cret") && !String(reflecting: shared).contains("s3cret"))
    }

    @Test("a socket directory is taken as libpq spells it; spool_limit is read; without store.url the store is SQLite only")
    func socketAndDefault() throws {
        let socket = try CallwardenConfiguration.parse(
            yaml: "store:\n  url: postgresql://callwarden@/shared?host=/run/postgresql\n  node: a\n", baseDirectory: "/tmp")
        #expect(socket.sharedStore?.postgres.endpoint == .socket(directory: "/run/postgresql", port: 5432))
        #expect(socket.sharedStore?.postgres.password == nil)
        #expect(socket.sharedStore?.spoolLimit == SharedStoreSettings.defaultSpoolLimit)
        let spool = try CallwardenConfiguration.parse(
            yaml: "store:\n  url: postgresql://callwarden@/shared?host=/run/postgresql\n  spool_limit: 5000\n", baseDirectory: "/tmp")
        #expect(spool.sharedStore?.spoolLimit == 5_000)
        #expect(CallwardenConfiguration.defaults.sharedStore == nil)
    }

    @Test(
        "a password in the URL, TLS modes, a URL without a database, node or spool_limit without url and a negative spool_limit are refused",
        arguments: [
            ("store:\n  url: postgresql://callwarden:hunter2@db/callwarden\n", "store.url"),
            ("store:\n  url: postgresql://callwarden@db/callwarden?sslmode=require\n", "store.url"),
            ("store:\n  url: postgresql://callwarden@db\n", "store.url"),
            ("store:\n  url: mysql://callwarden@db/x\n", "store.url"),
            ("store:\n  node: a\n", "store.node"),
            ("store:\n  spool_limit: 10\n", "store.spool_limit"),
            ("store:\n  url: postgresql://callwarden@db/callwarden\n  spool_limit: -1\n", "store.spool_limit"),
        ])
    func refusals(yaml: String, key: String) throws {
        let error = #expect(throws: ConfigurationErrors.self) {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/tmp")
        }
        #expect(error?.errors.map(\.key).contains(key) == true)
        #expect(error.map { !"\($0)".contains("hunter2") } ?? false)
    }

    @Test("callwarden serve on store.url fails at start naming the key when PostgreSQL cannot be reached")
    func serveRefuses() async throws {
        let unreachable = try CallwardenConfiguration.parse(
            yaml: "store:\n  url: postgresql://callwarden@127.0.0.1:1/x\n  node: a\n", baseDirectory: "/tmp")
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await buildDaemon(configuration: unreachable, logger: Logger(label: "test"))
        }
        #expect(error?.key == "store.url")

    }

    @Test(
        "check-config on a site node: an unreachable store.url is an error (the people's API and a history import are not); a reachable one passes",
        .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
    func checkConfigProbesTheSharedStore() throws {
        let unreachable = try CallwardenConfiguration.parse(
            yaml: "store:\n  path: /tmp/cw.sqlite\n  url: postgresql://callwarden@127.0.0.1:1/x\n  node: a\napi:\n  listen: 127.0.0.1:0\n",
            baseDirectory: "/tmp")
        let findings = ConfigurationProbe.run(unreachable).filter { $0.severity == .error }.map(\.key)
        #expect(findings.contains("store.url"))
        #expect(!findings.contains("api.listen"), "a site node serves the people's API")

        let history = try CallwardenConfiguration.parse(
            yaml: "store:\n  path: /tmp/cw.sqlite\n  url: postgresql://callwarden@127.0.0.1:1/x\n  node: a\n"
                + "cdr:\n  files:\n    - path: /tmp/Master.csv\n      start: beginning\n",
            baseDirectory: "/tmp")
        #expect(!ConfigurationProbe.run(history).contains { $0.key == "cdr.files[0].start" && $0.severity == .error })

        let settings = try PostgresTestServer.shared.get().makeDatabase()
        guard case .socket(let socketDirectory, let port) = settings.endpoint else { return }
        let reachable = try CallwardenConfiguration.parse(
            yaml: "store:\n  path: /tmp/cw.sqlite\n  url: postgresql://\(settings.user)@:\(port)/\(settings.database)?host=\(socketDirectory)\n  node: a\n",
            baseDirectory: "/tmp")
        #expect(!ConfigurationProbe.run(reachable).contains { $0.key.hasPrefix("store") && $0.severity == .error })
    }

    @Test(
        "the ops commands' store is the shared one: a rule added through it is in the PostgreSQL table, and blocks remove takes it out into the shared history; tokens are shared too",
        .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
    func opsStoreIsShared() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        guard case .socket(let socketDirectory, let port) = settings.endpoint else { return }
        let configuration = try CallwardenConfiguration.parse(
            yaml: "store:\n  url: postgresql://\(settings.user)@:\(port)/\(settings.database)?host=\(socketDirectory)\n  node: ops\n",
            baseDirectory: "/tmp")
        let added = try configuration.openStore().addRule(
            Rule(match: .number(E164Number(e164: "+442079460123")!), action: .block, reason: "threats", createdBy: "cli:ops",
                 createdAt: Timestamp(secondsSinceEpoch: 1_705_320_000)),
            actor: "cli:ops")
        let direct = try PostgresStore(settings: settings, node: "check", logger: Logger(label: "test"))
        defer { direct.close() }
        #expect(try direct.rules(activeAt: Timestamp(secondsSinceEpoch: 1_705_320_000), includeExpired: false) == [added])
        // `blocks remove` on a site node removes the shared rule, into the shared history.
        let corrections = try configuration.openRuleCorrections()
        let outcome = try corrections.removeRules(
            RuleRemoval(
                selector: .id(try #require(added.id)), actor: "cli:ops", reason: "wrong number", falsePositive: false,
                time: Timestamp(secondsSinceEpoch: 1_705_320_060)))
        #expect(outcome.removed.map(\.id) == [added.id])
        #expect(try direct.rules(activeAt: Timestamp(secondsSinceEpoch: 1_705_320_060), includeExpired: true).isEmpty)
        #expect(try direct.removedRules(limit: 10).map(\.rule.id) == [added.id])
        // A token made with `callwarden tokens add` at a site is in the shared table.
        let token = StoredAccessToken(
            name: "leeds-ops", role: .security, lookup: "0011223344556677", secretHash: Array(repeating: 7, count: 32),
            createdAt: Timestamp(secondsSinceEpoch: 1_705_320_100), createdBy: "cli:root")
        try configuration.openTokenStore().addToken(token, actor: "cli:root")
        #expect(try direct.token(lookup: "0011223344556677")?.name == "leeds-ops")
    }
}
