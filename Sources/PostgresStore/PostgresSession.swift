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
/// Every wait is bounded (``answerTimeout``; none for migrations, which may rewrite big tables):
/// a statement that gets no answer in time closes the connection and throws `.unavailable`. A
/// query on a connection whose server was stopped mid-statement was seen never to complete, and
/// the ingest loop, the leases and every other caller waited behind it for good.
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
    /// The longest wait for a connection or for one statement's answer.
    static let answerTimeout = TimeAmount.seconds(20)

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
                    live = try Self.bounded(
                        PostgresConnection.connect(
                            on: group.next(), configuration: settings.connectionConfiguration,
                            id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger),
                        timeout: Self.answerTimeout, what: "connecting", onTimeout: {})
                    current = live
                }
                do {
                    return try body(live)
                } catch {
                    // A broken connection, or one that stopped answering, is not used again.
                    if live.isClosed || (error as? PostgresStoreError)?.code == .unavailable {
                        if !live.isClosed { let closing: EventLoopFuture<Void> = live.close(); _ = closing }
                        current = nil
                    }
                    throw error
                }
            }
        } catch {
            throw PostgresStoreError.from(error)
        }
    }

    /// Runs `body` inside `BEGIN` … `COMMIT` (`ROLLBACK` when it throws); each statement waits at
    /// most `timeout` for its answer (nil: as long as it takes).
    func transaction<T>(
        timeout: TimeAmount? = PostgresSession.answerTimeout, _ body: (Transaction) throws -> T
    ) throws(PostgresStoreError) -> T {
        try withConnection { connection in
            let transaction = Transaction(connection: connection, logger: logger, timeout: timeout)
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

    /// Runs `body` inside `BEGIN` … `COMMIT`; an error it throws that `isRefusal` accepts (a port's
    /// own error: a rule not found, an empty reason, a note too long) rolls the transaction back
    /// and is thrown as it is, not as a store error (``transaction(timeout:_:)`` reports every
    /// error as one) and without dropping the connection. Every other error is the store's.
    func transaction<T>(
        refusing isRefusal: (any Error) -> Bool, _ body: (Transaction) throws -> T
    ) throws -> T {
        var refusal: (any Error)?
        do {
            return try transaction { transaction in
                do {
                    return try body(transaction)
                } catch where isRefusal(error) {
                    refusal = error
                    throw PostgresStoreError(code: .database, message: "refused")
                }
            }
        } catch {
            if let refusal { throw refusal }
            throw error
        }
    }

    /// ``transaction(refusing:_:)`` for the refusals of one type.
    func transaction<T, Refusal: Error>(refusing _: Refusal.Type, _ body: (Transaction) throws -> T) throws -> T {
        try transaction(refusing: { $0 is Refusal }, body)
    }

    /// Runs one statement outside any explicit transaction and returns its rows.
    func query(_ query: PostgresQuery) throws(PostgresStoreError) -> [PostgresRow] {
        try withConnection { connection in
            try Transaction(connection: connection, logger: logger, timeout: Self.answerTimeout).rows(query)
        }
    }

    deinit {
        // postgres-nio asserts that a connection is closed before it goes away.
        close()
    }

    func close() {
        connection.withLock { current in
            if let open = current {
                _ = try? Self.bounded(open.close(), timeout: Self.answerTimeout, what: "closing", onTimeout: {})
            }
            current = nil
        }
    }

    /// Statements on a connection the session holds (inside or outside `BEGIN`).
    struct Transaction {
        let connection: PostgresConnection
        let logger: Logger
        let timeout: TimeAmount?

        func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
            Array(try answer(query).rows)
        }

        @discardableResult
        func execute(_ query: PostgresQuery) throws -> Int {
            try answer(query).metadata.rows ?? 0
        }

        private func answer(_ query: PostgresQuery) throws -> PostgresQueryResult {
            let future = connection.query(query, logger: logger)
            guard let timeout else { return try future.wait() }
            let connection = self.connection
            return try PostgresSession.bounded(future, timeout: timeout, what: "a statement", onTimeout: { let closing: EventLoopFuture<Void> = connection.close(); _ = closing })
        }
    }

    /// Waits for `future` at most `timeout`; past it runs `onTimeout` (closing the connection, so
    /// that it is not used again) and throws `.unavailable`. An answer that comes later is dropped.
    static func bounded<T: Sendable>(
        _ future: EventLoopFuture<T>, timeout: TimeAmount, what: String, onTimeout: @escaping @Sendable () -> Void
    ) throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        future.cascade(to: promise)
        let seconds = timeout.nanoseconds / 1_000_000_000
        let expiry = future.eventLoop.scheduleTask(in: timeout) {
            promise.fail(PostgresStoreError(code: .unavailable, message: "no answer from PostgreSQL to \(what) within \(seconds) s"))
            onTimeout()
        }
        defer { expiry.cancel() }
        return try promise.futureResult.wait()
    }
}
