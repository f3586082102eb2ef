import Foundation
import Logging
import PostgresStore
import Testing

/// A real PostgreSQL server for the tests: `initdb` in a temporary directory, `postgres` listening
/// only on a Unix socket in that directory (no TCP port, so nothing races for one), with trust
/// authentication for the user `callwarden`. One server serves the whole test process (each test
/// gets a database of its own, ``makeDatabase()``); it is stopped when the process exits.
///
/// PostgreSQL refuses to run as root, and CI runs as root: then `initdb`, `pg_ctl` and the server
/// run as `nobody` (through `runuser`), in a directory handed to `nobody`.
///
/// The binaries are looked for in `$CALLWARDEN_POSTGRES_BIN`, then the newest
/// `/usr/lib/postgresql/*/bin` (Debian's `postgresql`); without them the suites that need a server
/// are skipped with ``skipReason``.
final class PostgresTestServer: Sendable {
    let directory: String
    let socketDirectory: String
    let binDirectory: String
    static let port = 5432
    static let user = "callwarden"

    /// Where `initdb`, `pg_ctl` and `postgres` are, or nil.
    static let binDirectory: String? = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["CALLWARDEN_POSTGRES_BIN"] { candidates.append(explicit) }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "\(root)/\($0)/bin" }
        return candidates.first { directory in
            ["initdb", "pg_ctl", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
        }
    }()

    static var available: Bool { binDirectory != nil }
    static let skipReason: Comment = "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install Debian's postgresql or set CALLWARDEN_POSTGRES_BIN"

    /// The process's one server, started on first use.
    static let shared: Result<PostgresTestServer, any Error> = Result {
        guard let binDirectory else { throw TestServerError(message: "no PostgreSQL binaries") }
        let server = try PostgresTestServer(binDirectory: binDirectory)
        atexit { PostgresTestServer.stopShared() }
        return server
    }

    private static func stopShared() {
        if case .success(let server) = shared { server.stop() }
    }

    private static let runsAsRoot = getuid() == 0
    private static let devNullIsDevice: Bool = {
        var status = stat()
        return stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR
    }()

    init(binDirectory: String) throws {
        self.binDirectory = binDirectory
        directory = FileManager.default.temporaryDirectory.path + "/callwarden-pg-" + UUID().uuidString.prefix(8)
        socketDirectory = directory + "/socket"
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if Self.runsAsRoot {
            try Self.run("/bin/chown", ["-R", "nobody:nogroup", directory])
        }
        try runAsServerUser(
            "initdb", ["-D", directory + "/data", "-U", Self.user, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        try runAsServerUser(
            "pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "-o",
                "-c listen_addresses='' -k \(socketDirectory) -p \(Self.port) -c fsync=off -c synchronous_commit=off -c max_connections=200",
                "start",
            ])
    }

    /// Stops the server at once and removes its directory.
    func stop() {
        try? runAsServerUser("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the server (fast shutdown) and starts it again, for tests of a lost database.
    func stopServer() throws {
        try runAsServerUser("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    func startServer() throws {
        try runAsServerUser(
            "pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "-o",
                "-c listen_addresses='' -k \(socketDirectory) -p \(Self.port) -c fsync=off -c synchronous_commit=off -c max_connections=200",
                "start",
            ])
    }

    /// Settings for `database` on this server.
    func settings(database: String) -> PostgresSettings {
        PostgresSettings(endpoint: .socket(directory: socketDirectory, port: Self.port), user: Self.user, database: database)
    }

    /// A fresh, empty database for one test; returns its settings.
    func makeDatabase() throws -> PostgresSettings {
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try Self.run(
            binDirectory + "/psql",
            ["-h", socketDirectory, "-p", "\(Self.port)", "-U", Self.user, "-d", "postgres", "-q", "-c", "CREATE DATABASE \(name)"])
        return settings(database: String(name))
    }

    /// Runs `sql` with `psql` as the server's superuser (roles, sessions: what an operator or a
    /// network fault does to a node, for tests of a node that loses its database).
    func psql(_ sql: String, database: String = "postgres") throws {
        try Self.run(
            binDirectory + "/psql", ["-h", socketDirectory, "-p", "\(Self.port)", "-U", Self.user, "-d", database, "-q", "-c", sql])
    }

    private func runAsServerUser(_ tool: String, _ arguments: [String]) throws {
        if Self.runsAsRoot && !Self.devNullIsDevice {
            // Some sandboxes leave /dev/null a root-owned plain file, which `nobody` cannot write
            // (initdb and pg_ctl redirect to it): there the tools run in a mount namespace of their
            // own with a null device of the test's bind-mounted over it. The system is not touched.
            let null = directory + "/null"
            if !FileManager.default.fileExists(atPath: null) {
                try Self.run("/bin/mknod", ["-m", "666", null, "c", "1", "3"])
            }
            try Self.run(
                "/usr/bin/unshare",
                ["-m", "/bin/sh", "-c", "mount --bind \"$0\" /dev/null && exec /usr/sbin/runuser -u nobody -- \"$@\"", null,
                 binDirectory + "/" + tool] + arguments)
        } else if Self.runsAsRoot {
            try Self.run("/usr/sbin/runuser", ["-u", "nobody", "--", binDirectory + "/" + tool] + arguments)
        } else {
            try Self.run(binDirectory + "/" + tool, arguments)
        }
    }

    /// Runs a tool to its end (posix_spawn and a blocking waitpid on its pid: Foundation's
    /// `Process` was seen missing the exit of `runuser` around `pg_ctl start`). Its output goes to a
    /// file, not a pipe: `pg_ctl start` leaves the server running, and a server holding a pipe's
    /// write end would keep a reader waiting.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let outputPath = FileManager.default.temporaryDirectory.path + "/callwarden-pg-tool-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/zero", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw TestServerError(message: "cannot start \(executable): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw TestServerError(message: "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): " + text)
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
