import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One connection to PostgreSQL used synchronously: the storage ports are synchronous (the ingest
/// loop commits on a thread of its own), so each call sends its statements on the connection's
/// event loop and waits for the answer on the caller's thread.
///
/// Calls are serialised by a lock: one statement sequence at a time on the one connection, so a
/// transaction's statements are never interleaved with another caller's. A broken connection is
/// dropped and the next call connects again (nothing is retried: a failed call throws
/// ``PostgresStoreError`` with `.unavailable`, and the caller's batch stays uncommitted).
///
/// Deliberately not handled: calling from an event loop thread (it would wait on itself) and
/// a pool of connections (the ports are used by one writer and a few readers; one connection is
/// what a node needs).
final class PostgresSession: Sendable {
    let settings: PostgresSettings
    let logger: Logger
    private let group: any EventLoopGroup
    private let connection = Mutex<PostgresConnection?>(nil)
    private let nextID = Atomic<Int>(1)

    init(settings: PostgresSettings, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.logger = logger
        self.group = group
    }

    /// Runs `body` with the connection (connecting first when there is none), holding the lock.
    /// A connection that broke during `body` is closed and forgotten.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws(PostgresStoreError) -> T {
        do {
            return try connection.withLock { (current: inout PostgresConnection?) throws -> T in
                let live: PostgresConnection
                if let current, !current.isClosed {
                    live = current
                } else {
                    live = try PostgresConnection.connect(
                        on: group.next(), configuration: settings.connectionConfiguration,
                        id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger
                    ).wait()
                    current = live
                }
                do {
                    return try body(live)
                } catch {
                    if live.isClosed { current = nil }
                    throw error
                }
            }
        } catch {
            throw PostgresStoreError.from(error)
        }
    }

    /// Runs `body` inside `BEGIN` … `COMMIT` (`ROLLBACK` when it throws).
    func transaction<T>(_ body: (Transaction) throws -> T) throws(PostgresStoreError) -> T {
        try withConnection { connection in
            let transaction = Transaction(connection: connection, logger: logger)
            try transaction.execute("BEGIN")
            do {
                let result = try body(transaction)
                try transaction.execute("COMMIT")
                return result
            } catch {
                _ = try? transaction.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs one statement outside any explicit transaction and returns its rows.
    func query(_ query: PostgresQuery) throws(PostgresStoreError) -> [PostgresRow] {
        try withConnection { connection in try Transaction(connection: connection, logger: logger).rows(query) }
    }

    deinit {
        // postgres-nio asserts that a connection is closed before it goes away.
        close()
    }

    func close() {
        connection.withLock { current in
            try? current?.close().wait()
            current = nil
        }
    }

    /// Statements on a connection the session holds (inside or outside `BEGIN`).
    struct Transaction {
        let connection: PostgresConnection
        let logger: Logger

        func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
            Array(try connection.query(query, logger: logger).wait().rows)
        }

        @discardableResult
        func execute(_ query: PostgresQuery) throws -> Int {
            try connection.query(query, logger: logger).wait().metadata.rows ?? 0
        }
    }
}
