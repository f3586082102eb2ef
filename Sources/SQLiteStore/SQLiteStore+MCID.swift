package import CallModel
import CallwardenPorts
import Foundation
import GRDB
package import Incidents

// MARK: - MCID: a person flags a call as malicious

extension SQLiteStore {
    /// Every event source (the table's CHECK allows no other), so the filter keeps every event of
    /// the call; the look-up itself uses `call_events_by_call_id` (call id alone, migration
    /// witness-call-identity), which replaced the `(source, call_id)` index.
    private static let allSourcesSQL = EventSource.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Flags a call as malicious in one transaction: finds the call, executes what the
    /// ``IncidentLedger`` decides (the incident of the request's kind opened or joined, the block or
    /// redirect rule asked for, audited, and the `flagged` alert in the outbox), and stores the
    /// flag with the call's captured identity and what the PBX passed along.
    ///
    /// A call that is not (yet) in the store is still flagged — a bomb threat must alert even when
    /// the CDR has not arrived — with an unidentified caller; its events join the timeline as
    /// soon as they are stored (calls are linked by call id). For ``MCIDCallSelector/lastCall(toExtension:within:)``
    /// the target is then the extension; for a call id it is `*`.
    ///
    /// - Throws: ``IncidentChangeError`` for a request that names a bad field, a block for a caller
    ///   without a number, or a redirect without a crisis line; ``SQLiteStoreError`` otherwise.
    package func flagMaliciousCall(_ request: MCIDRequest, crisisLine: String?) throws -> MCIDOutcome {
        try IncidentLedger.check(request, crisisLine: crisisLine)
        return try write { db in
            let call = FlaggedCall(request, event: try Self.flaggedCall(request.call, at: request.time, db))
            let plan = try ledger.plan(
                request, call: call, crisisLine: crisisLine, openIncident: try openIncidentState(call.key, db))
            let executed = try execute(plan, db)
            let flagID = try insertFlag(
                request, callID: call.callID, event: call.event, incidentID: executed.incidentID,
                actor: request.actor.trimmingSpaces, db)
            guard let incident = try Self.fetchIncident(id: executed.incidentID, db),
                let flag = try Self.flags(incidentID: executed.incidentID, db).first(where: { $0.id == flagID }),
                let alertKey = executed.alertKey
            else { throw SQLiteStoreError(code: .database, message: "the flag just written cannot be read back") }
            return MCIDOutcome(
                flag: flag, incident: incident, openedIncident: plan.opensIncident,
                ruleIDs: executed.ruleID.map { [$0] } ?? [], alertKey: alertKey)
        }
    }

    /// The flagged call's latest stored event, or nil.
    private static func flaggedCall(_ selector: MCIDCallSelector, at time: Timestamp, _ db: Database) throws -> CallEvent? {
        let callID: String
        switch selector {
        case .callID(let id):
            callID = id
        case .lastCall(let callee, let within):
            // A little slack after `time` for a PBX clock slightly ahead of ours.
            guard let id = try String.fetchOne(
                db,
                sql: """
                    SELECT call_id FROM call_events WHERE counted_time >= ? AND counted_time <= ? AND callee_key = ?
                    ORDER BY counted_time DESC, id DESC LIMIT 1
                    """,
                arguments: [
                    (time - within).microsecondsSinceEpoch, (time + .minutes(1)).microsecondsSinceEpoch, callee,
                ])
            else { return nil }
            callID = id
        }
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT \(eventReadColumns) FROM call_events
                WHERE source IN (\(allSourcesSQL)) AND call_id = ? ORDER BY id DESC LIMIT 1
                """,
            arguments: [callID])
        else { return nil }
        return try event(from: row)
    }

    private func insertFlag(
        _ request: MCIDRequest, callID: String, event: CallEvent?, incidentID: Int64, actor: String, _ db: Database
    ) throws -> Int64 {
        let headers = try StoredValue.encodeList(request.sipHeaders.flatMap { [$0.name, $0.value] })
        let caller = event?.caller
        try db.execute(
            sql: """
                INSERT INTO mcid_flags (
                    incident_id, kind, call_id, flagged_at, flagged_by, note, source_address, sip_headers,
                    call_source, call_start, disposition, duration_us, talk_time_us, caller_raw, caller_e164,
                    caller_extension, caller_name, asserted_identity, presentation_restricted, callee_raw, callee_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                incidentID, request.kind.rawValue, callID, request.time.microsecondsSinceEpoch, actor,
                request.note.trimmingSpaces, request.sourceAddress, headers, event?.source.rawValue,
                event?.countedTime.microsecondsSinceEpoch, event?.disposition?.rawValue,
                event?.duration?.microseconds, event?.talkTime?.microseconds, caller?.raw, caller?.number?.description,
                caller?.internalExtension, caller?.displayName, caller?.assertedIdentity?.description,
                caller.map { $0.presentationRestricted ? 1 : 0 }, event?.callee.raw, event?.callee.key,
            ])
        return db.lastInsertedRowID
    }

    /// The MCID flags of an incident, oldest first.
    static func flags(incidentID: Int64, _ db: Database) throws -> [MCIDFlag] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, incident_id, kind, call_id, flagged_at, flagged_by, note, source_address, sip_headers,
                       call_source, call_start, disposition, duration_us, talk_time_us, caller_raw, caller_e164,
                       caller_extension, caller_name, asserted_identity, presentation_restricted, callee_raw, callee_key
                FROM mcid_flags WHERE incident_id = ? ORDER BY id
                """,
            arguments: [incidentID])
        return try rows.map { row in
            let list = try StoredValue.decodeList(row.decode(atIndex: 8), column: "mcid_flags.sip_headers")
            var headers: [SIPHeaderField] = []
            var index = 0
            while index + 1 < list.count {
                headers.append(SIPHeaderField(name: list[index], value: list[index + 1]))
                index += 2
            }
            let callID: String = try row.decode(atIndex: 3)
            var call: TimelineCall?
            if let source: String = try row.decode(atIndex: 9), let callerRaw: String = try row.decode(atIndex: 14) {
                let disposition: String? = try row.decode(atIndex: 11)
                call = TimelineCall(
                    callID: callID,
                    source: try StoredValue.decode(source, as: EventSource.self, column: "mcid_flags.call_source"),
                    start: Timestamp(microsecondsSinceEpoch: try row.decode(Int64?.self, atIndex: 10) ?? 0),
                    disposition: try disposition.map { try StoredValue.decode($0, as: Disposition.self, column: "mcid_flags.disposition") },
                    duration: (try row.decode(Int64?.self, atIndex: 12)).map(TimeSpan.init(microseconds:)),
                    talkTime: (try row.decode(Int64?.self, atIndex: 13)).map(TimeSpan.init(microseconds:)),
                    caller: CallerIdentity(
                        raw: callerRaw,
                        number: try StoredValue.number(row.decode(atIndex: 15), column: "mcid_flags.caller_e164"),
                        internalExtension: try row.decode(atIndex: 16),
                        displayName: try row.decode(atIndex: 17),
                        assertedIdentity: try StoredValue.number(row.decode(atIndex: 18), column: "mcid_flags.asserted_identity"),
                        presentationRestricted: (try row.decode(Int64?.self, atIndex: 19) ?? 0) == 1),
                    callee: CalledParty(raw: try row.decode(String?.self, atIndex: 20) ?? "", key: try row.decode(String?.self, atIndex: 21) ?? ""))
            }
            return MCIDFlag(
                id: try row.decode(atIndex: 0), incidentID: try row.decode(atIndex: 1),
                kind: try StoredValue.decode(row.decode(atIndex: 2), as: IncidentKind.self, column: "mcid_flags.kind"),
                callID: callID, call: call, flaggedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 4)),
                flaggedBy: try row.decode(atIndex: 5), note: try row.decode(atIndex: 6),
                sourceAddress: try row.decode(atIndex: 7), sipHeaders: headers)
        }
    }
}
