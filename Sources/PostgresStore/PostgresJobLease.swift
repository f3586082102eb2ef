import PostgresNIO

/// A lease on a job that must run on exactly one node at a time (alert delivery from the outbox,
/// retention, cross-site detection), kept in the shared PostgreSQL (`job_leases`).
///
/// Why a lease and not a session advisory lock: a lock lives as long as the server believes the
/// session lives, and a node cannot tell from its side when the server gave it up (a killed or
/// partitioned node's session lingers until TCP notices; a node that lost its connection still
/// believed it held the lock). A lease ends at a time both sides can compute:
/// - the server grants it until `now() + ttl` on **its** clock, and takes it from a holder only
///   when that time has passed;
/// - the holder counts its validity from the moment it **sent** the request, on its own monotonic
///   clock, minus a margin (``Grant/validUntil``), so it always believes itself the holder for less
///   time than the server does, whatever the network delay or clock skew;
/// - every change of hands raises the lease's **fence**: a write made under a lease is made with
///   ``holds(_:)`` in the same transaction (``fencingCondition(_:)``), so a holder that paused past
///   its lease (a stopped VM, a long GC-like stall) cannot write after another took over.
///
/// What a lease cannot do: stop a side effect outside PostgreSQL that a paused holder makes after
/// its lease ended (a webhook already in flight). Alert delivery makes that safe with the alert's
/// idempotency key: the receiver sees the same id twice at worst.
///
/// Calls block until PostgreSQL answers: use them from a thread of their own.
package struct PostgresJobLease: Sendable {
    /// What a successful ``acquire()`` gives.
    package struct Grant: Sendable, Hashable {
        /// Raised each time the lease changes hands; identifies this tenure.
        package var fence: Int64
        /// Until when (this process's monotonic clock) the holder may act; renew before.
        package var validUntil: ContinuousClock.Instant

        package init(fence: Int64, validUntil: ContinuousClock.Instant) {
            self.fence = fence
            self.validUntil = validUntil
        }
    }

    package let job: String
    /// This holder: unique per process (a restarted node is another holder).
    package let holder: String
    package let ttl: Duration
    /// Taken off the holder's validity for clock rate differences (at least 1/10 of the ttl).
    package var margin: Duration { ttl / 10 }
    package let store: PostgresStore

    /// - Parameters:
    ///   - holder: unique per process, e.g. the node name, process id and start time.
    ///   - ttl: how long a grant lasts unless renewed (a dead holder's job waits at most this).
    package init(job: String, holder: String, ttl: Duration, store: PostgresStore) {
        self.job = job
        self.holder = holder
        self.ttl = ttl
        self.store = store
    }

    /// Takes the lease, or renews it when this holder has it; nil when another holder's grant has
    /// not yet expired (on the server's clock).
    ///
    /// - Throws: ``PostgresStoreError`` (`.unavailable` when PostgreSQL cannot be reached: the
    ///   holder must then stop acting at its last ``Grant/validUntil``).
    package func acquire() throws -> Grant? {
        let sent = ContinuousClock.now
        let microseconds = Self.microseconds(ttl)
        let rows = try store.session.query(
            """
            INSERT INTO job_leases AS lease (job, holder, fence, acquired_at, expires_at)
            VALUES (\(job), \(holder), 1, now(), now() + \(microseconds) * interval '1 microsecond')
            ON CONFLICT (job) DO UPDATE SET
                holder = EXCLUDED.holder,
                fence = CASE WHEN lease.holder = EXCLUDED.holder AND lease.expires_at > now() THEN lease.fence
                             ELSE lease.fence + 1 END,
                acquired_at = CASE WHEN lease.holder = EXCLUDED.holder AND lease.expires_at > now() THEN lease.acquired_at
                                   ELSE now() END,
                expires_at = EXCLUDED.expires_at
            WHERE lease.holder = EXCLUDED.holder OR lease.expires_at <= now()
            RETURNING fence
            """)
        guard let row = rows.first else { return nil }
        let fence = try row.decode(Int64.self)
        return Grant(fence: fence, validUntil: sent + ttl - margin)
    }

    /// Whether `grant` is still this holder's tenure on the server (same fence, not expired).
    package func holds(_ grant: Grant) throws -> Bool {
        let rows = try store.session.query(
            """
            SELECT 1 FROM job_leases
            WHERE job = \(job) AND holder = \(holder) AND fence = \(grant.fence) AND expires_at > now()
            """)
        return !rows.isEmpty
    }

    /// Gives the lease up at once (a clean stop), so another node need not wait for the ttl.
    package func release(_ grant: Grant) throws {
        _ = try store.session.query(
            """
            UPDATE job_leases SET expires_at = now()
            WHERE job = \(job) AND holder = \(holder) AND fence = \(grant.fence)
            """)
    }

    /// Who holds the job now (holder and fence), if anyone's grant is unexpired.
    package func currentHolder() throws -> (holder: String, fence: Int64)? {
        let rows = try store.session.query(
            "SELECT holder, fence FROM job_leases WHERE job = \(job) AND expires_at > now()")
        return try rows.first.map { try $0.decode((String, Int64).self) }
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
