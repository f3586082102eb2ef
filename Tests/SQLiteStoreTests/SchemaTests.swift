import CallModel
import CallwardenPorts
import Foundation
import SQLiteStore
import Testing

@Suite("Schema, connection settings and open errors")
struct SchemaTests {
    static let allMigrations = [
        "v1", "v2-rule-schedules", "v3-pushed-event-keys", "v4-incident-lifecycle", "v5-pushed-event-key-stored-at",
        "witness-call-identity", "evidence-1-chain", "evidence-2-withheld",
        "v6-access-tokens", "house-rule-history", "ops-history-cutoff", "people-pbx-role-console-sessions",
        "evidence-3-rule-history", "console2-rule-review", "evidence-4-incidents-withdrawals",
        "evidence-5-compact-entries", "pushed-event-spool",
    ]

    @Test("a fresh file is migrated, in WAL mode with synchronous NORMAL and foreign keys on")
    func freshFileIsMigrated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        let diagnostics = try store.diagnostics()
        #expect(diagnostics.appliedMigrations == Self.allMigrations)
        #expect(diagnostics.journalMode == "wal")
        #expect(diagnostics.synchronous == 1)
        #expect(diagnostics.foreignKeys)
        #expect(FileManager.default.fileExists(atPath: directory.databasePath))
        try store.close()
    }

    @Test("reopening runs no migration twice and keeps the data")
    func migrationsAreIdempotentOnReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try SQLiteStore(path: directory.databasePath)
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent()]
        try first.commit(batch)
        try first.close()

        for _ in 0..<2 {
            let reopened = try SQLiteStore(path: directory.databasePath)
            #expect(try reopened.diagnostics().appliedMigrations == Self.allMigrations)
            #expect(try reopened.statistics().events == 1)
            try reopened.close()
        }
    }

    /// The daemon and a CLI command (or a test inspecting the daemon's store) may open a new file
    /// at the same moment; both must end with one migrated schema, neither with an error.
    @Test("openers racing on a new file all succeed and the schema is migrated once")
    func concurrentOpenersOfANewFileAllSucceed() throws {
        for _ in 0..<20 {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let openers = 4
            let failures = FailureLog()
            // Real threads, released together, so that the migrations really overlap.
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for _ in 0..<openers {
                group.enter()
                Thread.detachNewThread {
                    start.wait()
                    do {
                        let store = try SQLiteStore(path: directory.databasePath)
                        try store.close()
                    } catch {
                        failures.append("\(error)")
                    }
                    group.leave()
                }
            }
            for _ in 0..<openers { start.signal() }
            group.wait()
            #expect(failures.all.isEmpty, "\(failures.all)")
            let store = try SQLiteStore(path: directory.databasePath, readOnly: true)
            #expect(try store.diagnostics().appliedMigrations == Self.allMigrations)
            try store.close()
        }
    }

    @Test("a file that is not a database gives a corrupt error, not a crash")
    func corruptFileGivesAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let garbage = Data(repeating: 0x5A, count: 8_192)
        #expect(FileManager.default.createFile(atPath: directory.databasePath, contents: garbage))
        let error = #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: directory.databasePath) }
        #expect(error?.code == .corrupt)
    }

    @Test("a missing directory gives a cannot-open error")
    func missingDirectoryGivesAnError() throws {
        let directory = try TemporaryDirectory()
        directory.remove()
        let error = #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: directory.databasePath) }
        #expect(error?.code == .cannotOpen)
    }

    @Test("a read-only store reads, and every write fails with read-only and stores nothing")
    func readOnlyStoreRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try SQLiteStore(path: directory.databasePath)
        _ = try writer.addRule(Fixture.blockRule(), actor: "cli:alice")
        try writer.close()

        let reader = try SQLiteStore(path: directory.databasePath, readOnly: true)
        #expect(try reader.rules(activeAt: Fixture.time(0), includeExpired: true).count == 1)
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent()]
        let commitError = #expect(throws: SQLiteStoreError.self) { try reader.commit(batch) }
        #expect(commitError?.code == .readOnly)
        let ruleError = #expect(throws: SQLiteStoreError.self) {
            try reader.addRule(Fixture.blockRule(), actor: "cli:bob")
        }
        #expect(ruleError?.code == .readOnly)
        #expect(try reader.statistics() == StoreStatistics(events: 0, calls: 0, detections: 0, rules: 1, malformed: 0))
        try reader.close()
    }

    @Test("a read-only open of a file that was never migrated is refused")
    func readOnlyNeedsMigratedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(FileManager.default.createFile(atPath: directory.databasePath, contents: Data()))
        let error = #expect(throws: SQLiteStoreError.self) {
            try SQLiteStore(path: directory.databasePath, readOnly: true)
        }
        #expect(error?.code == .schemaOutdated)
    }

    @Test("a closed store throws instead of crashing")
    func closedStoreThrows() throws {
        let store = try SQLiteStore.temporary()
        try store.close()
        #expect(throws: SQLiteStoreError.self) { try store.statistics() }
        #expect(throws: SQLiteStoreError.self) { try store.commit(IngestBatch.withOneEvent) }
    }

    @Test("a temporary store removes its directory on close and when released")
    func temporaryStoreCleansUp() throws {
        let closed = try SQLiteStore.temporary()
        let closedDirectory = (closed.path as NSString).deletingLastPathComponent
        #expect(FileManager.default.fileExists(atPath: closed.path))
        try closed.close()
        #expect(!FileManager.default.fileExists(atPath: closedDirectory))

        var released: SQLiteStore? = try SQLiteStore.temporary()
        let releasedDirectory = (released!.path as NSString).deletingLastPathComponent
        try released?.commit(IngestBatch.withOneEvent)
        #expect(FileManager.default.fileExists(atPath: releasedDirectory))
        released = nil
        #expect(!FileManager.default.fileExists(atPath: releasedDirectory))
    }
}

extension IngestBatch {
    /// A batch holding one full event.
    static var withOneEvent: IngestBatch {
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent()]
        return batch
    }
}

/// Errors collected from several threads.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func append(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
