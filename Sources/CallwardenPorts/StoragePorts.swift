package import CallModel

/// Durable storage of call events and what ingestion derived from them.
///
/// Implementations must commit a batch in one transaction: either everything in it is stored, or
/// nothing is. The SQLite adapter implements it; the test support target's `InMemoryStore` is the reference.
package protocol EventStore: Sendable {
    /// Commits a batch atomically (events, detection upserts, automatic rules, checkpoints).
    func commit(_ batch: IngestBatch) throws
    /// Commits a batch of pushed events (sockets, decision requests) atomically, like
    /// ``commit(_:)``, except that an event whose ``PushedEventKey`` was already committed by an
    /// earlier `commitPushed` is not stored again: a sender that resends what it never saw
    /// acknowledged creates no duplicates. File events never need this (their checkpoint moves in
    /// the same transaction). The default stores everything, for stores without the key table.
    func commitPushed(_ batch: IngestBatch) throws
    /// The last committed checkpoint of a followed path, if any.
    func checkpoint(forPath path: String) throws -> TailCheckpoint?
    /// Events whose counted time is at or after `since`, oldest first: the detector's warm-up after
    /// a restart. At most `limit` events (the newest are kept when there are more).
    func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent]
    /// Totals for `stats` and replay output.
    func statistics() throws -> StoreStatistics
}

extension EventStore {
    package func commitPushed(_ batch: IngestBatch) throws { try commit(batch) }
}

/// Block-list and redirect rules, each change audited with who and why.
package protocol RuleStore: Sendable {
    /// Rules in insertion order; expired ones only when `includeExpired`.
    func rules(activeAt time: Timestamp, includeExpired: Bool) throws -> [Rule]
    /// Stores a new rule and an audit entry in one transaction; returns it with its id.
    func addRule(_ rule: Rule, actor: String) throws -> Rule
    /// Removes a rule and writes an audit entry; false when no rule had that id.
    func removeRule(id: Int64, actor: String, reason: String, at time: Timestamp) throws -> Bool
    /// The audit log, newest first.
    func auditLog(limit: Int) throws -> [AuditEntry]
    /// A number that changes whenever a rule is added, changed or removed (by any process sharing
    /// the store): a cheap question to ask often before re-reading the rules.
    func rulesRevision() throws -> Int64
}

/// Read access to detections for the CLI and the API.
package protocol DetectionStore: Sendable {
    /// Detection episodes, most recent `last` first.
    func detections(limit: Int) throws -> [Detection]
}

/// One audited change: who did what to which subject, when and why.
package struct AuditEntry: Hashable, Sendable {
    package var time: Timestamp
    package var actor: String
    /// `rule.add`, `rule.remove`, `rule.auto-add`.
    package var action: String
    /// What was changed, e.g. `rule 12`.
    package var subject: String
    /// Human-readable detail (the reason; numbers inside are full because the audit log is
    /// security-only data, never a log line).
    package var detail: String

    package init(time: Timestamp, actor: String, action: String, subject: String, detail: String) {
        self.time = time
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// Totals kept by a store.
package struct StoreStatistics: Hashable, Sendable {
    /// Call events stored.
    package var events: Int
    /// Distinct calls among them (by call id: one call however many sources witnessed it).
    package var calls: Int
    package var detections: Int
    package var rules: Int
    /// Malformed records counted by ingestion.
    package var malformed: Int

    package init(events: Int = 0, calls: Int = 0, detections: Int = 0, rules: Int = 0, malformed: Int = 0) {
        self.events = events
        self.calls = calls
        self.detections = detections
        self.rules = rules
        self.malformed = malformed
    }
}
