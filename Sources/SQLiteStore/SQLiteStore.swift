/// # SQLiteStore
///
/// The SQLite adapter for the storage ports of CallPipeline (``EventStore``, ``RuleStore``,
/// ``DetectionStore``), built on GRDB in the `AppDatabase` style: one `DatabasePool` per file for the
/// life of the process, a private append-only migrator, and write methods that are each one
/// transaction.
///
/// Allowed imports: CallModel, CallwardenPorts, GRDB (with its GRDBSQLite for ``FullLengthText``),
/// Crypto (the evidence chain's SHA-256), Foundation (temporary directories, the JSON text lists
/// and the privacy export), Glibc (the store files' modes, ``StoreFileModes``; a replay's new file).
package import CallModel
import CallwardenPorts
import Foundation
import GRDB
import Glibc
package import Incidents
package import SystemClock

/// Callwarden's durable store: call events, detections and their incidents, rules, the audit log,
/// tail checkpoints and ingestion counters in one SQLite file.
///
/// The file is opened as a GRDB `DatabasePool`, so it is in WAL mode: the API and CLI read while
/// ingestion writes. `synchronous = NORMAL` is used, the recommended setting with WAL: a commit
/// does not wait for the WAL to reach the disk, so a power loss or an OS crash may lose the last
/// transactions but never corrupts the file, while a process kill (`kill -9`, a crash) loses
/// nothing that was committed, because committed pages are already in the OS page cache.
/// Foreign keys are enforced and a writer that finds the database locked retries for up to
/// ``busyTimeout`` seconds before failing with ``SQLiteStoreError/Code/busy``.
///
/// Every GRDB error is wrapped in ``SQLiteStoreError`` before it leaves this type.
///
/// It also keeps the incidents (``IncidentStore``), the alert outbox (``AlertOutbox``) and the
/// recordings linked to calls (``RecordingStore``): a detection's incident change and its alert are
/// written in the transaction of the batch that produced the detection.
///
/// Housekeeping removes what has served its purpose: alerts no sink needs any more and old
/// idempotency keys of pushed events (`SQLiteStore+Retention.swift`), ordinary calls and closed
/// incidents past their retention (`SQLiteStore+PersonalData.swift`). Everything an incident rests
/// on is covered by the evidence chain (`StoreSchema+EvidenceChain.swift`).
///
/// Deliberately not handled: sharing one file between several processes that write heavily (the daemon writes; the CLI's few writes
/// wait for the lock up to ``busyTimeout``).
package final class SQLiteStore: EventStore, RuleStore, DetectionStore, IncidentStore, AlertOutbox, RecordingStore,
    Sendable
{
    /// How long a connection waits for a lock held by another connection before giving up, in seconds.
    package static let busyTimeout: Double = 5

    /// The path of the database file.
    package let path: String

    /// When a detection's change to an incident raises an alert (the per-incident rate limit).
    package let alertPolicy: AlertPolicy

    /// Called after every transaction that wrote an alert to the outbox has committed (on the
    /// writer's queue; it must not block): the daemon rings its alert dispatcher with it, so the
    /// alert leaves at once instead of at the next poll. Nil: nobody is told.
    let onAlertCommitted: (@Sendable () -> Void)?

    /// Processing time for what the store stamps itself (outbox rows' `created_at`, pushed-event
    /// keys' `stored_at`): the daemon's injected clock; the system clock by default.
    package let clock: WallClock

    let pool: DatabasePool
    /// The directory ``temporary()`` created, removed on ``close()`` or deinit; nil for a store the
    /// caller owns.
    private let ownedDirectory: URL?

    /// Opens (creating it if needed) the database at `path` and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - path: The database file; its directory must exist. The `-wal` and `-shm` files live beside it.
    ///   - readOnly: Opens without write access (for a CLI beside the running daemon). No migration
    ///     runs, so the file must already be at the current schema; every write then fails with
    ///     ``SQLiteStoreError/Code/readOnly``.
    ///   - alertPolicy: When detections raise alerts (see ``AlertPolicy``).
    ///   - onAlertCommitted: Called after each committed transaction that wrote an alert (see
    ///     ``onAlertCommitted``).
    ///   - clock: Processing time (see ``clock``).
    /// - Throws: ``SQLiteStoreError`` when the file cannot be opened, is not a database, is
    ///   corrupt, is read-only, or (with `readOnly`) has not been migrated.
    package convenience init(
        path: String, readOnly: Bool = false, alertPolicy: AlertPolicy = AlertPolicy(),
        onAlertCommitted: (@Sendable () -> Void)? = nil, clock: WallClock = .system
    ) throws {
        try self.init(
            path: path, readOnly: readOnly, ownedDirectory: nil, alertPolicy: alertPolicy, onAlertCommitted: onAlertCommitted,
            clock: clock)
    }

    private init(
        path: String, readOnly: Bool, ownedDirectory: URL?, alertPolicy: AlertPolicy, onAlertCommitted: (@Sendable () -> Void)?,
        clock: WallClock = .system
    ) throws {
        self.path = path
        self.clock = clock
        self.ownedDirectory = ownedDirectory
        self.alertPolicy = alertPolicy
        self.onAlertCommitted = onAlertCommitted
        do {
            if readOnly {
                pool = try DatabasePool(path: path, configuration: Self.configuration(readOnly: true))
                guard try pool.read({ try StoreSchema.migrator.hasCompletedMigrations($0) }) else {
                    throw SQLiteStoreError(
                        code: .schemaOutdated, message: "the database at \(path) has not been migrated to the current schema")
                }
            } else {
                pool = try Self.openAndMigrate(path: path)
            }
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
    }

    /// Opens `path` for writing and migrates it, tolerating another opener (the daemon, a CLI
    /// command run beside it) doing the same to the same new file at the same moment. GRDB decides
    /// which migrations are missing before it takes the write lock, so the second of two openers
    /// would run again a migration the first had just committed ("table already exists"), and the
    /// switch to WAL can meet a lock that SQLite does not wait for ("database is locked"). Each
    /// migration is its own IMMEDIATE transaction and rolls back whole, so after a failure this
    /// reads again what is applied: done when the other opener completed the schema, otherwise
    /// tried again, a bounded number of times, before the error is thrown.
    private static func openAndMigrate(path: String) throws -> DatabasePool {
        StoreFileModes.prepare(path)
        let migrator = StoreSchema.migrator
        var attempt = 0
        while true {
            var pool: DatabasePool?
            do {
                let opened = try DatabasePool(path: path, configuration: configuration(readOnly: false))
                pool = opened
                try migrator.migrate(opened)
                try opened.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA cache_size = \(writerCacheKiB)")
                }
                return opened
            } catch {
                attempt += 1
                if let pool, (try? pool.read({ try migrator.hasCompletedMigrations($0) })) == true { return pool }
                try? pool?.close()
                guard attempt < 8, Self.mayBeARacingOpener(error) else { throw error }
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            }
        }
    }

    /// The writer's page cache, in SQLite's `cache_size` form (negative: KiB), 32 MiB instead of
    /// SQLite's 2 MiB. Measured with a DoS hour (Benchmarks/run-dos.sh): each batch updates ~2,000
    /// episodes, each reading its detection, its incident and the evidence chain's last entry, and
    /// with 2 MiB those pages were read back from the file (or WAL) again and again; a quarter of
    /// the replay was `pread`. Readers keep SQLite's default: their reads are few and short. The
    /// cache fills only as pages are used, so a small store stays small.
    static let writerCacheKiB = -32_768


    /// True for the errors a concurrent opener causes (a lock, or a migration it already applied),
    /// false for those that another try cannot mend (not a database, no such directory, ...).
    private static func mayBeARacingOpener(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_ERROR].contains(error.resultCode)
    }

    /// Opens the file, applies the migrations up to and including `lastMigration` only, then runs
    /// `sql` (rows as an older version wrote them): for tests of an upgrade from an older schema.
    /// Not for production use.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package static func migrate(path: String, upTo lastMigration: String, thenExecute sql: String = "") throws {
        do {
            let pool = try DatabasePool(path: path, configuration: configuration(readOnly: false))
            try StoreSchema.migrator.migrate(pool, upTo: lastMigration)
            if !sql.isEmpty { try pool.write { try $0.execute(sql: sql) } }
            try pool.close()
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
    }

    /// Creates a store in a fresh temporary directory, for tests. Its writer
    /// runs with `synchronous = OFF` and without automatic WAL checkpoints: the file is removed at
    /// close, so nothing in it needs to survive a crash.
    ///
    /// The directory and everything in it are removed by ``close()`` or when the store is released.
    /// - Throws: ``SQLiteStoreError`` when the directory or the database cannot be created.
    package static func temporary(
        alertPolicy: AlertPolicy = AlertPolicy(), onAlertCommitted: (@Sendable () -> Void)? = nil
    ) throws -> SQLiteStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("callwarden-store-" + UUID().uuidString, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLiteStoreError(code: .cannotOpen, message: "cannot create a temporary directory: \(error)")
        }
        do {
            let store = try SQLiteStore(
                path: directory.appendingPathComponent("callwarden.sqlite").path, readOnly: false,
                ownedDirectory: directory, alertPolicy: alertPolicy, onAlertCommitted: onAlertCommitted)
            // A throwaway file needs no durability: no syncs, and no checkpoints copying the WAL into
            // the file while a replay writes (the WAL is read like the file and removed with it).
            try store.writeWithoutDurability()
            return store
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Creates a new store at `path` for `callwarden replay --store PATH`, written like
    /// ``temporary()`` (`synchronous = OFF`, no automatic WAL checkpoints) but kept: an ordinary
    /// store to inspect. What the replay wrote stays in the `-wal` file beside it (closing does not
    /// checkpoint: GRDB closes the writer before the read-only readers) until the next writer that
    /// opens the file and closes it last (`sqlite3`, any CLI command) copies it in: move the two together.
    ///
    /// Deliberately refuses a path that already exists (created here with `O_EXCL`, 0600): a
    /// replay's test calls must never land in a store someone uses (the daemon's), and a replay
    /// into a store that already holds events would report those too. A crash during the replay
    /// may leave the file incomplete (no syncs): replay again into a new path.
    /// - Throws: ``SQLiteStoreError`` (``SQLiteStoreError/Code/cannotOpen`` when `path` exists or
    ///   cannot be created).
    package static func replayOutput(path: String, alertPolicy: AlertPolicy = AlertPolicy()) throws -> SQLiteStore {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it already exists (replay writes only into a new store)" : String(cString: strerror(errno))
            throw SQLiteStoreError(code: .cannotOpen, message: "cannot create the store \(path): \(reason)")
        }
        Glibc.close(descriptor)
        let store = try SQLiteStore(path: path, alertPolicy: alertPolicy)
        do {
            try store.writeWithoutDurability()
        } catch {
            try? store.close()
            throw error
        }
        return store
    }

    /// `synchronous = OFF` and no automatic WAL checkpoints on the writer, for the replay's stores.
    private func writeWithoutDurability() throws {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = OFF")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            }
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
    }

    deinit {
        if let ownedDirectory {
            try? pool.close()
            try? FileManager.default.removeItem(at: ownedDirectory)
        }
    }

    /// Closes every connection; later calls fail with a ``SQLiteStoreError``. A store made by
    /// ``temporary()`` also removes its directory. Closing twice is harmless.
    ///
    /// - Throws: ``SQLiteStoreError`` when a connection cannot be closed (a statement still running).
    package func close() throws {
        do {
            try pool.close()
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
        if let ownedDirectory {
            try? FileManager.default.removeItem(at: ownedDirectory)
        }
    }

    // MARK: - Connection set-up

    private static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.label = "callwarden.store"
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // GRDB already picks NORMAL for a pool's writer; say it here so that nobody has to know.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            EvidenceChainFunctions.register(db)
        }
        return configuration
    }

    // MARK: - Transaction helpers

    /// One write transaction; any error is wrapped, except an ``IncidentChangeError`` or a
    /// ``RuleCorrectionError`` or ``RuleReviewError`` (a refused change, thrown inside the transaction to roll it back),
    /// which passes through.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as IncidentChangeError {
            throw error
        } catch let error as RuleCorrectionError {
            throw error
        } catch let error as RuleReviewError {
            throw error
        } catch let error as MCIDAmbiguousCall {
            throw error
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
    }

    /// One read on a snapshot; any error is wrapped.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
    }
}

// MARK: - Diagnostics

extension SQLiteStore {
    /// The applied migrations and the connection settings of the writer connection.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func diagnostics() throws -> StoreDiagnostics {
        pool.configuration.readonly ? try read(Self.diagnostics(of:)) : try write(Self.diagnostics(of:))
    }

    private static func diagnostics(of db: Database) throws -> StoreDiagnostics {
        StoreDiagnostics(
            appliedMigrations: try StoreSchema.migrator.appliedMigrations(db),
            journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
            synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
            foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false)
    }
}
