package import CallModel
import CallwardenPorts
import Foundation
import GRDB
package import Incidents

// MARK: - Personal data: retention of calls and closed incidents, access and erasure requests

extension SQLiteStore {
    /// The SQL condition "the call `alias.call_id` is under an incident": linked to one, or flagged.
    private static func heldCall(_ alias: String) -> String {
        """
        (EXISTS (SELECT 1 FROM incident_calls AS l WHERE l.call_id = \(alias).call_id)
         OR EXISTS (SELECT 1 FROM mcid_flags AS f WHERE f.call_id = \(alias).call_id))
        """
    }

    /// Deletes at most `limit` events of ordinary calls counted before `cutoff` (calls no incident
    /// rests on: not linked, not flagged; decision questions are call events too), with the
    /// recording links of such calls made before `cutoff`, in one transaction; returns how many
    /// events and links went. Calls an incident rests on are kept with their incident.
    ///
    /// `cutoff` must lie further back than the longest detection window (the configuration checks
    /// `store.retention.calls`), or detection would forget calls it still counts after a restart.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func purgeOrdinaryCalls(countedBefore cutoff: Timestamp, limit: Int) throws -> (events: Int, recordings: Int) {
        guard limit > 0 else { return (0, 0) }
        return try write { db in
            try db.execute(
                sql: """
                    DELETE FROM call_events WHERE id IN (
                        SELECT e.id FROM call_events AS e WHERE e.counted_time < ? AND NOT \(Self.heldCall("e"))
                        ORDER BY e.counted_time LIMIT ?)
                    """,
                arguments: [cutoff.microsecondsSinceEpoch, limit])
            let events = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM recordings WHERE id IN (
                        SELECT r.id FROM recordings AS r WHERE r.linked_at < ? AND NOT \(Self.heldCall("r"))
                        ORDER BY r.id LIMIT ?)
                    """,
                arguments: [cutoff.microsecondsSinceEpoch, limit])
            return (events, db.changesCount)
        }
    }

    /// Purges the next incident closed before `cutoff` (its last change, `updated_at`, is the
    /// closing or a note after it) with everything it rests on, in one transaction, and records the
    /// purge in the audit log (`retention.purge`, counts only). Returns the incident's id, nil when
    /// none is due. Open, acknowledged and reported incidents are under legal hold and never purged.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func purgeNextClosedIncident(closedBefore cutoff: Timestamp, actor: String, at time: Timestamp) throws -> Int64? {
        try write { db in
            guard let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM incidents WHERE status = 'closed' AND updated_at < ? ORDER BY id LIMIT 1",
                arguments: [cutoff.microsecondsSinceEpoch])
            else { return nil }
            let removed = try Self.deleteIncident(id, db)
            try appendAudit(
                AuditEntry(
                    time: time, actor: actor, action: "retention.purge", subject: "incident \(id)",
                    detail: "closed before \(cutoff.rfc3339); removed " + Self.describe(removed)),
                db)
            return id
        }
    }

    /// Deletes an incident and everything it rests on, calls first (their delete triggers chain
    /// them only while the link is there), then links, detections, log, flags, alerts, the audit
    /// entries about it, and the incident. A call also linked to another incident stays with it.
    private static func deleteIncident(_ id: Int64, _ db: Database) throws -> [String: Int] {
        var removed: [String: Int] = [:]
        func run(_ table: String, _ sql: String, _ arguments: StatementArguments) throws {
            try db.execute(sql: sql, arguments: arguments)
            removed[table, default: 0] += db.changesCount
        }
        let onlyHere = """
            SELECT call_id FROM incident_calls AS l WHERE l.incident_id = ?
              AND NOT EXISTS (SELECT 1 FROM incident_calls AS o WHERE o.call_id = l.call_id AND o.incident_id <> ?)
            """
        try run("call_events", "DELETE FROM call_events WHERE source IN (\(allSourcesList)) AND call_id IN (\(onlyHere))", [id, id])
        try run("recordings", "DELETE FROM recordings WHERE call_id IN (\(onlyHere))", [id, id])
        try run("incident_calls", "DELETE FROM incident_calls WHERE incident_id = ?", [id])
        try run("detections", "DELETE FROM detections WHERE incident_id = ?", [id])
        try run("incident_log", "DELETE FROM incident_log WHERE incident_id = ?", [id])
        try run("mcid_flags", "DELETE FROM mcid_flags WHERE incident_id = ?", [id])
        try run("alert_outbox", "DELETE FROM alert_outbox WHERE incident_id = ?", [id])
        try run("audit_log", "DELETE FROM audit_log WHERE subject = ?", ["incident \(id)"])
        try run("incidents", "DELETE FROM incidents WHERE id = ?", [id])
        return removed
    }

    /// `call_events 3, detections 1`: non-zero counts in table order, no personal data.
    private static func describe(_ counts: [String: Int]) -> String {
        let text = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return text.isEmpty ? "nothing" : text.joined(separator: ", ")
    }

    // MARK: Access and erasure requests

    /// What the store holds about `number`, table by table: the conditions that find its rows.
    /// Calls are found by the number as presented, asserted or counted; the other tables by the
    /// number itself or by those calls. Full scans: a request is rare and answered by a person.
    private static func selections(_ number: String) -> [(table: String, condition: String, arguments: StatementArguments)] {
        let calls = "SELECT call_id FROM call_events WHERE caller_e164 = ? OR asserted_identity = ? OR counted_identity = ?"
        let quoted = "%\"\(number)\"%"
        let mentioned = "%\(number)%"
        return [
            ("call_events", "call_id IN (\(calls))", [number, number, number]),
            ("incident_calls", "call_id IN (\(calls))", [number, number, number]),
            ("recordings", "call_id IN (\(calls))", [number, number, number]),
            ("incidents", "identity = ?", [number]),
            ("detections", "caller = ? OR callers LIKE ?", [number, quoted]),
            ("mcid_flags", "caller_e164 = ? OR asserted_identity = ?", [number, number]),
            ("rules", "match_value = ?", [number]),
            ("rule_history", "match_value = ?", [number]),
            ("escalation_resets", "identity = ?", [number]),
            ("alert_outbox", "identity = ?", [number]),
            ("audit_log", "subject LIKE ? OR detail LIKE ?", [mentioned, mentioned]),
        ]
    }

    /// The incidents under legal hold: every one that is not closed, by id.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func incidentsUnderLegalHold() throws -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT id FROM incidents WHERE status <> 'closed' ORDER BY id") }
    }

    /// Every stored record about `number` as one JSON object (table → rows, each row column →
    /// value, keys sorted), and a `privacy.export` audit entry naming the number only by
    /// `pseudonym` (a keyed hash the caller computes).
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func exportPersonalData(
        number: E164Number, pseudonym: String, actor: String, at time: Timestamp
    ) throws -> [UInt8] {
        let text = number.description
        let (object, count): ([String: Any], Int) = try read { db in
            var object: [String: Any] = ["number": text]
            var count = 0
            for selection in Self.selections(text) {
                let rows = try FullLengthText.rows(
                    db, sql: "SELECT * FROM \(selection.table) WHERE \(selection.condition) ORDER BY 1, 2",
                    arguments: selection.arguments)
                count += rows.count
                object[selection.table] = rows.map(Self.jsonObject(_:))
            }
            return (object, count)
        }
        let json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        } catch {
            throw SQLiteStoreError(code: .invalidData, message: "the records cannot be written as JSON: \(error)")
        }
        try write { db in
            try appendAudit(
                AuditEntry(
                    time: time, actor: actor, action: "privacy.export", subject: "number " + pseudonym,
                    detail: "\(count) records exported"),
                db)
        }
        return Array(json)
    }

    /// Removes every record of `number` (its calls with their events, links and recording links;
    /// detections naming it; its MCID flags, rules and their history, escalation resets, alerts and
    /// the audit entries that name it;
    /// closed incidents about it, whole), in one transaction, and writes a `privacy.erase` audit
    /// entry naming it only by `pseudonym`, with `reason` (the number, if written in it, replaced
    /// by the pseudonym) and the counts. Every removal passes the evidence chain's delete triggers,
    /// so `evidence verify` stays intact.
    ///
    /// - Throws: ``PersonalDataError/legalHold(incidents:)`` while an incident resting on any of
    ///   these records is not closed (nothing is removed then); ``SQLiteStoreError`` otherwise.
    package func erasePersonalData(
        number: E164Number, pseudonym: String, reason: String, actor: String, at time: Timestamp
    ) throws -> [String: Int] {
        let text = number.description
        do {
            return try pool.write { db in
                let calls = "SELECT call_id FROM call_events WHERE caller_e164 = ?1 OR asserted_identity = ?1 OR counted_identity = ?1"
                let involved = """
                    SELECT id FROM incidents WHERE identity = ?1
                    UNION SELECT incident_id FROM incident_calls WHERE call_id IN (\(calls))
                    UNION SELECT incident_id FROM detections WHERE caller = ?1 OR callers LIKE ?2
                    UNION SELECT incident_id FROM mcid_flags WHERE caller_e164 = ?1 OR asserted_identity = ?1
                    """
                let arguments: StatementArguments = [text, "%\"\(text)\"%"]
                let held = try Int64.fetchAll(
                    db, sql: "SELECT id FROM incidents WHERE status <> 'closed' AND id IN (\(involved)) ORDER BY id",
                    arguments: arguments)
                guard held.isEmpty else { throw PersonalDataError.legalHold(incidents: held) }
                var removed: [String: Int] = [:]
                let closed = try Int64.fetchAll(db, sql: "SELECT id FROM incidents WHERE id IN (\(involved)) ORDER BY id", arguments: arguments)
                for id in closed {
                    for (table, count) in try Self.deleteIncident(id, db) { removed[table, default: 0] += count }
                }
                // Calls first, while their links are there (so their deletes are chained), then the rest.
                // Call ids whole, NUL included (``FullLengthText``), so that such a call is erased too.
                let callIDs = try Data.fetchAll(db, sql: "SELECT DISTINCT CAST(call_id AS BLOB) FROM (\(calls))", arguments: [text])
                for callID in callIDs {
                    for (table, sql) in [
                        ("call_events", "DELETE FROM call_events WHERE source IN (\(Self.allSourcesList)) AND call_id = \(FullLengthText.placeholder)"),
                        ("recordings", "DELETE FROM recordings WHERE call_id = \(FullLengthText.placeholder)"),
                        ("incident_calls", "DELETE FROM incident_calls WHERE call_id = \(FullLengthText.placeholder)"),
                        ("pushed_event_keys", "DELETE FROM pushed_event_keys WHERE call_id = \(FullLengthText.placeholder)"),
                    ] {
                        try db.execute(sql: sql, arguments: [callID])
                        removed[table, default: 0] += db.changesCount
                    }
                }
                // The history of rules is append-only for everyone else: its guard is lifted only
                // inside this transaction (``StoreSchema/ruleHistoryNoDelete``).
                try db.execute(sql: "DROP TRIGGER \(StoreSchema.ruleHistoryNoDelete.name)")
                for selection in Self.selections(text) where !["call_events", "incident_calls", "recordings", "incidents"].contains(selection.table) {
                    try db.execute(sql: "DELETE FROM \(selection.table) WHERE \(selection.condition)", arguments: selection.arguments)
                    removed[selection.table, default: 0] += db.changesCount
                }
                try db.execute(sql: StoreSchema.ruleHistoryNoDelete.sql)
                let why = reason.trimmingSpaces.split(separator: text, omittingEmptySubsequences: false).joined(separator: pseudonym)
                try appendAudit(
                    AuditEntry(
                        time: time, actor: actor, action: "privacy.erase", subject: "number " + pseudonym,
                        detail: "reason: \(why); removed " + Self.describe(removed)),
                    db)
                return removed
            }
        } catch let error as PersonalDataError {
            throw error
        } catch {
            throw SQLiteStoreError(wrapping: error)
        }
    }

    private static func jsonObject(_ row: [(String, DatabaseValue)]) -> [String: Any] {
        var object: [String: Any] = [:]
        for (column, value) in row {
            switch value.storage {
            case .null: object[column] = NSNull()
            case .int64(let number): object[column] = number
            case .double(let number): object[column] = number
            case .string(let text): object[column] = text
            case .blob(let data): object[column] = data.base64EncodedString()
            }
        }
        return object
    }
}
