import Ingest
package import Logging
package import PostgresStore
package import ServiceLifecycle
import Synchronization

/// Runs a job that must run on one node at a time (alert delivery from the outbox, retention,
/// cross-site detection) only while this node holds the job's ``PostgresJobLease``.
///
/// - Not holding: tries to take the lease every ``retryInterval``.
/// - Holding: runs ``job`` with the grant (whose fence the job's writes check), renews every third
///   of the lease's ttl, and cancels the job when the grant's validity ends without a renewal
///   (PostgreSQL unreachable) or a renewal finds another holder (this node was paused past its
///   lease). A watcher sleeps until the grant's validity ends, so a renewal stuck on a dead
///   connection cannot keep the job running past it.
/// - Stopping (graceful shutdown) or the job ending: the lease is released, so another node takes
///   over at once rather than after the ttl.
///
/// Every lease call blocks until PostgreSQL answers, so it runs on a thread of its own, never on
/// the cooperative pool. Deliberately not handled: a job that ignores cancellation (it keeps
/// running, but its writes fail the fence) and side effects outside PostgreSQL after the lease
/// ended (alerts carry an idempotency key for that).
package struct LeasedJob: Service {
    package let lease: PostgresJobLease
    package var retryInterval: Duration
    package let logger: Logger
    package let job: @Sendable (PostgresJobLease.Grant) async throws -> Void

    package init(
        lease: PostgresJobLease, retryInterval: Duration = .seconds(1), logger: Logger,
        job: @escaping @Sendable (PostgresJobLease.Grant) async throws -> Void
    ) {
        self.lease = lease
        self.retryInterval = retryInterval
        self.logger = logger
        self.job = job
    }

    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let grant = await tryAcquire() {
                    logger.info("job lease taken", metadata: ["lease.job": "\(lease.job)", "lease.fence": "\(grant.fence)"])
                    let kept = await hold(grant)
                    let lease = self.lease
                    _ = try? await DedicatedThread.run(name: "callwarden-lease") { try lease.release(kept) }
                    logger.info("job lease given up", metadata: ["lease.job": "\(lease.job)", "lease.fence": "\(grant.fence)"])
                } else {
                    try? await Task.sleep(for: retryInterval)
                }
            }
        }
    }

    /// The lease, or nil when another node holds it or PostgreSQL did not answer.
    private func tryAcquire() async -> PostgresJobLease.Grant? {
        let lease = self.lease
        do {
            return try await DedicatedThread.run(name: "callwarden-lease") { try lease.acquire() }
        } catch {
            logger.warning("job lease not reachable", metadata: ["lease.job": "\(lease.job)", "error": "\(error)"])
            return nil
        }
    }

    /// Runs the job while the lease holds; returns the last grant when the job ended, the lease was
    /// lost, or the task was cancelled.
    private func hold(_ grant: PostgresJobLease.Grant) async -> PostgresJobLease.Grant {
        let current = CurrentGrant(grant)
        let job = self.job
        let logger = self.logger
        let jobName = lease.job
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await job(grant)
                } catch {
                    if !Task.isCancelled {
                        logger.error("leased job failed", metadata: ["lease.job": "\(jobName)", "error": "\(error)"])
                    }
                }
            }
            group.addTask { await renew(current) }
            group.addTask { await watch(current) }
            _ = await group.next()
            group.cancelAll()
        }
        return current.grant
    }

    /// Renews every third of the ttl; returns when a renewal finds another holder.
    private func renew(_ current: CurrentGrant) async {
        let lease = self.lease
        while (try? await Task.sleep(for: lease.ttl / 3)) != nil {
            let fence = current.grant.fence
            do {
                guard let renewed = try await DedicatedThread.run(name: "callwarden-lease", { try lease.acquire() }),
                    renewed.fence == fence
                else {
                    logger.warning("job lease lost to another node", metadata: ["lease.job": "\(lease.job)", "lease.fence": "\(fence)"])
                    return
                }
                current.renewed(until: renewed.validUntil)
            } catch {
                logger.warning("job lease not renewed", metadata: ["lease.job": "\(lease.job)", "error": "\(error)"])
            }
        }
    }

    /// Returns when the grant's validity (as last renewed) has passed.
    private func watch(_ current: CurrentGrant) async {
        while !Task.isCancelled {
            let until = current.grant.validUntil
            if ContinuousClock.now >= until {
                logger.warning("job lease expired without renewal; job stopped", metadata: ["lease.job": "\(lease.job)"])
                return
            }
            guard (try? await Task.sleep(until: until, clock: .continuous)) != nil else { return }
        }
    }
}

/// The grant a ``LeasedJob`` holds, renewed by one task and watched by another.
private final class CurrentGrant: Sendable {
    private let state: Mutex<PostgresJobLease.Grant>
    init(_ grant: PostgresJobLease.Grant) { state = Mutex(grant) }
    var grant: PostgresJobLease.Grant { state.withLock { $0 } }
    func renewed(until validUntil: ContinuousClock.Instant) { state.withLock { $0.validUntil = validUntil } }
}
