package import CallModel
package import CallwardenPorts
import Synchronization

/// The reference implementation of the storage ports (``CallwardenPorts``), in memory, for tests and as the executable
/// statement of their semantics. Not for production: nothing survives the process.
package final class InMemoryStore: EventStore, RuleStore, DetectionStore, Sendable {
    private struct State {
        var events: [CallEvent] = []
        var detections: [String: Detection] = [:]
        var rules: [Rule] = []
        var nextRuleID: Int64 = 1
        var rulesRevision: Int64 = 0
        var audit: [AuditEntry] = []
        var checkpoints: [String: TailCheckpoint] = [:]
        var malformed = 0
    }

    private let state = Mutex(State())

    package init() {}

    package func commit(_ batch: IngestBatch) throws {
        state.withLock { state in
            state.events.append(contentsOf: batch.events)
            for detection in batch.detections { state.detections[detection.episodeKey] = detection }
            for var rule in batch.rules {
                state.rulesRevision += 1
                rule.id = state.nextRuleID
                state.nextRuleID += 1
                state.rules.append(rule)
                state.audit.append(
                    AuditEntry(time: rule.createdAt, actor: rule.createdBy, action: "rule.auto-add",
                               subject: "rule \(rule.id ?? 0)", detail: rule.reason))
            }
            for checkpoint in batch.checkpoints { state.checkpoints[checkpoint.path] = checkpoint }
            state.malformed += batch.malformedCount
        }
    }

    package func checkpoint(forPath path: String) throws -> TailCheckpoint? {
        state.withLock { $0.checkpoints[path] }
    }

    package func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] {
        state.withLock { state in
            Array(state.events.filter { $0.countedTime >= since }.sorted { $0.countedTime < $1.countedTime }.suffix(limit))
        }
    }

    package func statistics() throws -> StoreStatistics {
        state.withLock { state in
            let calls = Set(state.events.map(\.callID)).count
            return StoreStatistics(
                events: state.events.count, calls: calls, detections: state.detections.count,
                rules: state.rules.count, malformed: state.malformed)
        }
    }

    package func rules(activeAt time: Timestamp, includeExpired: Bool) throws -> [Rule] {
        state.withLock { state in state.rules.filter { includeExpired || $0.isActive(at: time) } }
    }

    package func addRule(_ rule: Rule, actor: String) throws -> Rule {
        state.withLock { state in
            var stored = rule
            stored.id = state.nextRuleID
            state.nextRuleID += 1
            state.rulesRevision += 1
            state.rules.append(stored)
            state.audit.append(
                AuditEntry(time: rule.createdAt, actor: actor, action: "rule.add", subject: "rule \(stored.id ?? 0)",
                           detail: rule.reason))
            return stored
        }
    }

    package func removeRule(id: Int64, actor: String, reason: String, at time: Timestamp) throws -> Bool {
        state.withLock { state in
            guard let index = state.rules.firstIndex(where: { $0.id == id }) else { return false }
            state.rules.remove(at: index)
            state.rulesRevision += 1
            state.audit.append(AuditEntry(time: time, actor: actor, action: "rule.remove", subject: "rule \(id)", detail: reason))
            return true
        }
    }

    package func rulesRevision() throws -> Int64 {
        state.withLock { $0.rulesRevision }
    }

    package func auditLog(limit: Int) throws -> [AuditEntry] {
        state.withLock { Array($0.audit.reversed().prefix(limit)) }
    }

    package func detections(limit: Int) throws -> [Detection] {
        state.withLock { state in
            Array(state.detections.values.sorted { ($0.last, $0.episodeKey) > ($1.last, $1.episodeKey) }.prefix(limit))
        }
    }
}
