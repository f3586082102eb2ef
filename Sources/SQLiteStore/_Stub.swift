package import CallModel
package import CallPipeline
package final class SQLiteStore: EventStore, RuleStore, DetectionStore, Sendable {
    package init(path: String) throws {}
    package static func temporary() throws -> SQLiteStore { try SQLiteStore(path: "") }
    package func destroy() {}
    package func commit(_ batch: IngestBatch) throws {}
    package func checkpoint(forPath path: String) throws -> TailCheckpoint? { nil }
    package func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] { [] }
    package func statistics() throws -> StoreStatistics { StoreStatistics() }
    package func rules(activeAt time: Timestamp, includeExpired: Bool) throws -> [Rule] { [] }
    package func addRule(_ rule: Rule, actor: String) throws -> Rule { rule }
    package func removeRule(id: Int64, actor: String, reason: String, at time: Timestamp) throws -> Bool { false }
    package func auditLog(limit: Int) throws -> [AuditEntry] { [] }
    package func detections(limit: Int) throws -> [Detection] { [] }
}
