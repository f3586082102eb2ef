package import CallModel
import CallwardenPorts
import Foundation
package import Incidents
import NIOCore
import PostgresNIO

// MARK: - Access and erasure requests on the shared store (every site's records)

extension PostgresStore {
    /// What the store holds about `number`, table by table, as `SQLiteStore` finds it: calls by the
    /// number as presented, asserted or counted; the other tables by the number itself or by those
    /// calls. Full scans: a request is rare and answered by a person.
    private static func selections(_ number: String) -> [(table: String, condition: String)] {
        let calls = "SELECT call_id FROM call_events WHERE caller_e164 = $1 OR asserted_identity = $1 OR counted_identity = $1"
        return [
            ("call_events", "call_id IN (\(calls))"),
            ("incident_calls", "call_id IN (\(calls))"),
            ("recordings", "call_id IN (\(calls))"),
            ("incidents", "identity = convert_to($1, 'UTF8')"),
            ("detections", "caller = $1 OR callers LIKE '%\"' || $1 || '\"%'"),
            ("mcid_flags", "caller_e164 = $1 OR asserted_identity = $1"),
            ("rules", "match_value = $1"),
            ("rule_history", "match_value = $1"),
            ("escalation_resets", "identity = $1"),
            ("alert_outbox", "identity = convert_to($1, 'UTF8')"),
            ("audit_log", "position(convert_to($1, 'UTF8') IN subject) > 0 OR position(convert_to($1, 'UTF8') IN detail) > 0"),
        ]
    }

    /// `sql` with the number bound as `$1` (every selection's only parameter).
    private static func query(_ sql: String, _ number: String) -> PostgresQuery {
        var bindings = PostgresBindings()
        bindings.append(number)
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// The incidents under legal hold: every one that is not closed, by id.
    package func incidentsUnderLegalHold() throws -> [Int64] {
        try session.query("SELECT id FROM incidents WHERE status <> 'closed' ORDER BY id").map { try $0.decode(Int64.self) }
    }

    /// Every stored record about `number` (every site's) as one JSON object (table → rows, each
    /// row column → value; text PostgreSQL keeps as `BYTEA` is shown with `encode(…, 'escape')`: a
    /// NUL as `\000`), and a `privacy.export` audit entry naming the number only by `pseudonym`.
    package func exportPersonalData(number: E164Number, pseudonym: String, actor: String, at time: Timestamp) throws -> [UInt8] {
        let text = number.description
        let (json, count) = try session.transaction { transaction -> (String, Int) in
            try transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            var parts: [String] = []
            var count = 0
            for selection in Self.selections(text) {
                let columns = try Self.readableColumns(selection.table, transaction)
                let query = Self.query(
                    """
                    SELECT count(*), coalesce(json_agg(row_to_json(r)), '[]'::json)::text FROM (
                        SELECT \(columns) FROM \(selection.table) AS t WHERE \(selection.condition) ORDER BY 1, 2) AS r
                    """, text)
                guard let (rows, array) = try transaction.rows(query).first?.decode((Int64, String).self) else { continue }
                count += Int(rows)
                parts.append("\"\(selection.table)\": \(array)")
            }
            parts.append("\"number\": \"\(text)\"")
            return ("{" + parts.sorted().joined(separator: ", ") + "}", count)
        }
        try session.transaction { transaction in
            try Self.appendAudit(
                AuditEntry(time: time, actor: actor, action: "privacy.export", subject: "number " + pseudonym, detail: "\(count) records exported"),
                transaction)
        }
        return Array(json.utf8)
    }

    /// The select list that shows every column of `table`, `BYTEA` ones as escaped text.
    private static func readableColumns(_ table: String, _ transaction: PostgresSession.Transaction) throws -> String {
        try transaction.rows(
            """
            SELECT column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
            """
        ).map { row in
            let (name, type) = try row.decode((String, String).self)
            return type == "bytea" ? "encode(t.\(name), 'escape') AS \(name)" : "t.\(name)"
        }.joined(separator: ", ")
    }

    /// Removes every record of `number` at every site, in one transaction, as `SQLiteStore` does:
    /// its calls (events, links, recording links, pushed-event keys), detections naming it, its MCID
    /// flags, rules and their history, escalation resets, alerts and the audit entries naming it,
    /// and closed incidents about it whole; then a `privacy.erase` audit entry naming it only by
    /// `pseudonym`. Every delete of a chained row is a `delete` entry in the evidence chain.
    ///
    /// - Throws: ``PersonalDataError/legalHold(incidents:)`` while an incident resting on any of
    ///   these records is not closed (nothing is removed then); ``PostgresStoreError`` otherwise.
    package func erasePersonalData(
        number: E164Number, pseudonym: String, reason: String, actor: String, at time: Timestamp
    ) throws -> [String: Int] {
        let text = number.description
        return try session.transaction(refusing: PersonalDataError.self) { transaction in
            let calls = "SELECT call_id FROM call_events WHERE caller_e164 = $1 OR asserted_identity = $1 OR counted_identity = $1"
            let involved = """
                SELECT id FROM incidents WHERE identity = convert_to($1, 'UTF8')
                UNION SELECT incident_id FROM incident_calls WHERE call_id IN (\(calls))
                UNION SELECT incident_id FROM detections WHERE caller = $1 OR callers LIKE '%"' || $1 || '"%'
                UNION SELECT incident_id FROM mcid_flags WHERE caller_e164 = $1 OR asserted_identity = $1
                """
            func ids(_ sql: String) throws -> [Int64] {
                try transaction.rows(Self.query(sql, text)).map { try $0.decode(Int64?.self) }.compactMap { $0 }
            }
            let held = try ids("SELECT id FROM incidents WHERE status <> 'closed' AND id IN (\(involved)) ORDER BY id FOR UPDATE")
            guard held.isEmpty else { throw PersonalDataError.legalHold(incidents: held) }
            var removed: [String: Int] = [:]
            for id in try ids("SELECT id FROM incidents WHERE id IN (\(involved)) ORDER BY id") {
                for (table, count) in try Self.deleteIncident(id, transaction) { removed[table, default: 0] += count }
            }
            // Calls first, while their links are there (so their deletes are chained), then the rest.
            for table in ["call_events", "recordings", "incident_calls", "pushed_event_keys"] {
                removed[table, default: 0] += try transaction.execute(
                    Self.query("DELETE FROM \(table) WHERE call_id IN (\(calls))", text))
            }
            // The history of rules is append-only for everyone else: its guard is lifted only
            // inside this transaction.
            try transaction.execute("ALTER TABLE rule_history DISABLE TRIGGER rule_history_append_only")
            for selection in Self.selections(text) where !["call_events", "incident_calls", "recordings", "incidents"].contains(selection.table) {
                removed[selection.table, default: 0] += try transaction.execute(
                    Self.query("DELETE FROM \(selection.table) WHERE \(selection.condition)", text))
            }
            try transaction.execute("ALTER TABLE rule_history ENABLE TRIGGER rule_history_append_only")
            let why = reason.trimmingSpaces.split(separator: text, omittingEmptySubsequences: false).joined(separator: pseudonym)
            let described = removed.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            try Self.appendAudit(
                AuditEntry(
                    time: time, actor: actor, action: "privacy.erase", subject: "number " + pseudonym,
                    detail: "reason: \(why); removed " + (described.isEmpty ? "nothing" : described.joined(separator: ", "))),
                transaction)
            return removed
        }
    }
}
