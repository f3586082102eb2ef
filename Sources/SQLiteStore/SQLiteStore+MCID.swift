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
            let call = FlaggedCall(
                request, event: try Self.flaggedCall(request.call, at: request.time, latestOfSeveral: request.latestOfSeveral, db))
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
    private static func flaggedCall(
        _ selector: MCIDCallSelector, at time: Timestamp, latestOfSeveral: Bool, _ db: Database
    ) throws -> CallEvent? {
        guard let callID = try selector.callID(
            at: time, latestOfSeveral: latestOfSeveral, reached: { try callsThatReached($0, from: $1, to: $2, db) })
        else { return nil }
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT \(eventReadColumns) FROM call_events
                WHERE source IN (\(allSourcesSQL)) AND call_id = \(FullLengthText.placeholder) ORDER BY id DESC LIMIT 1
                """,
            arguments: [FullLengthText.argument(callID)])
        else { return nil }
        return try event(from: row)
    }

    /// The calls to `callee` that started in the window (with a minute's slack after `to`, for a
    /// PBX clock slightly ahead of ours) and reached it: some event of the call to that extension
    /// rang or was answered (phase `ringing`/`answered`, or a CDR disposition `answered`/`no-answer`).
    /// A rejected or failed attempt, or a call known only from its decision question, is not one.
    /// Newest first, at most 20.
    static func callsThatReached(_ callee: String, from: Timestamp, to: Timestamp, _ db: Database) throws -> [MCIDCandidate] {
        let ids = try Row.fetchAll(
            db,
            sql: """
                SELECT call_id, max(id) FROM call_events
                WHERE counted_time >= ? AND counted_time <= ? AND callee_key = \(FullLengthText.placeholder)
                GROUP BY call_id
                HAVING max(phase = 'ringing' OR phase = 'answered' OR disposition = 'answered' OR disposition = 'no-answer') = 1
                ORDER BY min(counted_time) DESC, max(id) DESC LIMIT 20
                """,
            arguments: [from.microsecondsSinceEpoch, (to + .minutes(1)).microsecondsSinceEpoch, FullLengthText.argument(callee)])
        return try ids.compactMap { row in
            let eventID: Int64 = try row.decode(atIndex: 1)
            guard let eventRow = try Row.fetchOne(
                db, sql: "SELECT \(eventReadColumns) FROM call_events WHERE id = ?", arguments: [eventID])
            else { return nil }
            let event = try event(from: eventRow)
            return MCIDCandidate(
                callID: event.callID, start: event.countedTime, caller: event.caller, disposition: event.disposition)
        }
    }

    /// Withdraws a flag (see ``Incidents/IncidentStore/withdrawFlag(_:)``), in one transaction.
    package func withdrawFlag(_ request: MCIDWithdrawal) throws -> MCIDFlag {
        let withdrawal = try request.checked()
        return try write { db in
            guard let incidentID = try Int64.fetchOne(
                db, sql: "SELECT incident_id FROM mcid_flags WHERE id = ?", arguments: [withdrawal.flagID])
            else { throw withdrawal.noSuchFlag }
            let already = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM mcid_withdrawals WHERE flag_id = ?)", arguments: [withdrawal.flagID]) ?? false
            if already { throw withdrawal.withdrawnAlready }
            try db.execute(
                sql: """
                    INSERT INTO mcid_withdrawals (flag_id, withdrawn_at, withdrawn_by, reason)
                    VALUES (?, ?, \(FullLengthText.placeholder), \(FullLengthText.placeholder))
                    """,
                arguments: [
                    withdrawal.flagID, withdrawal.time.microsecondsSinceEpoch, FullLengthText.argument(withdrawal.actor),
                    FullLengthText.argument(withdrawal.reason),
                ])
            let note = try withdrawal.note(incidentID: incidentID)
            _ = try execute(try ledger.plan(note, incident: try incidentState(id: incidentID, db)), db)
            let audit = withdrawal.audit
            try appendAudit(
                AuditEntry(time: withdrawal.time, actor: withdrawal.actor, action: audit.action, subject: audit.subject, detail: audit.detail),
                db)
            guard let flag = try Self.flags(incidentID: incidentID, db).first(where: { $0.id == withdrawal.flagID }) else {
                throw SQLiteStoreError(code: .database, message: "the flag just withdrawn cannot be read back")
            }
            return flag
        }
    }

    private func insertFlag(
        _ request: MCIDRequest, callID: String, event: CallEvent?, incidentID: Int64, actor: String, _ db: Database
    ) throws -> Int64 {
        let headers = try StoredValue.encodeList(request.sipHeaders.flatMap { [$0.name, $0.value] })
        let caller = event?.caller
        // Text from callers, PBXs and people whole, NUL included (``FullLengthText``): `T` marks
        // those columns' placeholders.
        let placeholders = "?, ?, T, ?, T, T, T, ?, ?, ?, ?, ?, ?, T, ?, T, T, ?, ?, T, T"
            .replacingOccurrences(of: "T", with: FullLengthText.placeholder)
        let text = FullLengthText.argument
        try db.execute(
            sql: """
                INSERT INTO mcid_flags (
                    incident_id, kind, call_id, flagged_at, flagged_by, note, source_address, sip_headers,
                    call_source, call_start, disposition, duration_us, talk_time_us, caller_raw, caller_e164,
                    caller_extension, caller_name, asserted_identity, presentation_restricted, callee_raw, callee_key)
                VALUES (\(placeholders))
                """,
            arguments: [
                incidentID, request.kind.rawValue, text(callID), request.time.microsecondsSinceEpoch, text(actor),
                text(request.note.trimmingSpaces), text(request.sourceAddress), headers, event?.source.rawValue,
                event?.countedTime.microsecondsSinceEpoch, event?.disposition?.rawValue,
                event?.duration?.microseconds, event?.talkTime?.microseconds, text(caller?.raw), caller?.number?.description,
                text(caller?.internalExtension), text(caller?.displayName), caller?.assertedIdentity?.description,
                caller.map { $0.presentationRestricted ? 1 : 0 }, text(event?.callee.raw), text(event?.callee.key),
            ])
        return db.lastInsertedRowID
    }

    /// The MCID flags of an incident, oldest first.
    static func flags(incidentID: Int64, _ db: Database) throws -> [MCIDFlag] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, incident_id, kind, CAST(call_id AS BLOB), flagged_at, CAST(flagged_by AS BLOB),
                       CAST(note AS BLOB), CAST(source_address AS BLOB), sip_headers,
                       call_source, call_start, disposition, duration_us, talk_time_us, CAST(caller_raw AS BLOB), caller_e164,
                       CAST(caller_extension AS BLOB), CAST(caller_name AS BLOB), asserted_identity, presentation_restricted,
                       CAST(callee_raw AS BLOB), CAST(callee_key AS BLOB),
                       (SELECT withdrawn_at FROM mcid_withdrawals WHERE flag_id = mcid_flags.id),
                       (SELECT CAST(withdrawn_by AS BLOB) FROM mcid_withdrawals WHERE flag_id = mcid_flags.id),
                       (SELECT CAST(reason AS BLOB) FROM mcid_withdrawals WHERE flag_id = mcid_flags.id)
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
            let callID = try row.fullText(atIndex: 3) ?? ""
            var call: TimelineCall?
            if let source: String = try row.decode(atIndex: 9), let callerRaw = try row.fullText(atIndex: 14) {
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
                        internalExtension: try row.fullText(atIndex: 16),
                        displayName: try row.fullText(atIndex: 17),
                        assertedIdentity: try StoredValue.number(row.decode(atIndex: 18), column: "mcid_flags.asserted_identity"),
                        presentationRestricted: (try row.decode(Int64?.self, atIndex: 19) ?? 0) == 1),
                    callee: CalledParty(raw: try row.fullText(atIndex: 20) ?? "", key: try row.fullText(atIndex: 21) ?? ""))
            }
            return MCIDFlag(
                id: try row.decode(atIndex: 0), incidentID: try row.decode(atIndex: 1),
                kind: try StoredValue.decode(row.decode(atIndex: 2), as: IncidentKind.self, column: "mcid_flags.kind"),
                callID: callID, call: call, flaggedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 4)),
                flaggedBy: try row.fullText(atIndex: 5) ?? "", note: try row.fullText(atIndex: 6) ?? "",
                sourceAddress: try row.fullText(atIndex: 7), sipHeaders: headers,
                withdrawal: try Self.withdrawal(flagID: try row.decode(atIndex: 0), row))
        }
    }

    /// The withdrawal in columns 22–24 of a flag row, or nil.
    private static func withdrawal(flagID: Int64, _ row: Row) throws -> MCIDWithdrawal? {
        guard let time: Int64 = try row.decode(atIndex: 22) else { return nil }
        return MCIDWithdrawal(
            flagID: flagID, actor: try row.fullText(atIndex: 23) ?? "", reason: try row.fullText(atIndex: 24) ?? "",
            time: Timestamp(microsecondsSinceEpoch: time))
    }
}
