package import CallModel
import CallwardenPorts
import NIOCore
import PostgresNIO
package import Incidents

// MARK: - MCID: a person flags a call as malicious, at any site

/// Incidents on the shared store: read, timeline, status changes and notes, MCID flags and withdrawals.
extension PostgresStore: IncidentStore {}

extension PostgresStore {
    /// Flags a call as malicious in one transaction, as `SQLiteStore` does: finds the call (stored
    /// by any node), executes what the ``IncidentLedger`` decides (the incident of the request's
    /// kind opened or joined — its key locked first, so two sites flagging one caller at once join
    /// one incident —, the block or redirect rule asked for, which reaches every node's matcher,
    /// and the `flagged` alert in the shared outbox), and stores the flag with the call's identity.
    ///
    /// A call not (yet) in the store is still flagged (a bomb threat must alert even when the CDR
    /// has not arrived), with an unidentified caller.
    ///
    /// - Throws: ``IncidentChangeError`` for a bad request, ``MCIDAmbiguousCall`` for several
    ///   candidate calls when the request does not take the latest; ``PostgresStoreError`` otherwise.
    package func flagMaliciousCall(_ request: MCIDRequest, crisisLine: String?) throws -> MCIDOutcome {
        try IncidentLedger.check(request, crisisLine: crisisLine)
        let outcome = try session.transaction(refusing: { $0 is IncidentChangeError || $0 is MCIDAmbiguousCall }) { transaction in
            let event = try Self.flaggedCall(request.call, at: request.time, latestOfSeveral: request.latestOfSeveral, transaction)
            let call = FlaggedCall(request, event: event)
            try Self.lockIncidentKeys([call.key], transaction)
            let plan = try ledger.plan(
                request, call: call, crisisLine: crisisLine, openIncident: try Self.openIncidentState(call.key, transaction))
            let executed = try execute(plan, transaction)
            let flagID = try Self.insertFlag(
                request, callID: call.callID, event: call.event, incidentID: executed.incidentID, actor: request.actor.trimmingSpaces,
                transaction)
            guard let incident = try Self.fetchIncident(id: executed.incidentID, transaction),
                let flag = try Self.flags(incidentID: executed.incidentID, transaction).first(where: { $0.id == flagID }),
                let alertKey = executed.alertKey
            else { throw PostgresStoreError(code: .database, message: "the flag just written cannot be read back") }
            return MCIDOutcome(
                flag: flag, incident: incident, openedIncident: plan.opensIncident,
                ruleIDs: executed.ruleID.map { [$0] } ?? [], alertKey: alertKey)
        }
        onAlertCommitted?()
        return outcome
    }

    /// Withdraws a flag that named the wrong call (see ``Incidents/IncidentStore/withdrawFlag(_:)``),
    /// in one transaction: the withdrawal, a note in the incident's log, the `mcid.withdraw` audit entry.
    package func withdrawFlag(_ request: MCIDWithdrawal) throws -> MCIDFlag {
        let withdrawal = try request.checked()
        return try session.transaction(refusing: IncidentChangeError.self) { transaction in
            // The flag row is locked: two sites withdrawing it at once withdraw it once.
            guard let incidentID = try transaction.rows("SELECT incident_id FROM mcid_flags WHERE id = \(withdrawal.flagID) FOR UPDATE")
                .first?.decode(Int64.self)
            else { throw withdrawal.noSuchFlag }
            let already = !(try transaction.rows("SELECT 1 FROM mcid_withdrawals WHERE flag_id = \(withdrawal.flagID)").isEmpty)
            if already { throw withdrawal.withdrawnAlready }
            try transaction.execute(
                """
                INSERT INTO mcid_withdrawals (flag_id, withdrawn_at, withdrawn_by, reason)
                VALUES (\(withdrawal.flagID), \(withdrawal.time.microsecondsSinceEpoch), \(ByteBuffer(string: withdrawal.actor)),
                        \(ByteBuffer(string: withdrawal.reason)))
                """)
            let note = try withdrawal.note(incidentID: incidentID)
            _ = try execute(try ledger.plan(note, incident: try Self.incidentState(id: incidentID, transaction)), transaction)
            let audit = withdrawal.audit
            try Self.appendAudit(
                AuditEntry(time: withdrawal.time, actor: withdrawal.actor, action: audit.action, subject: audit.subject, detail: audit.detail),
                transaction)
            guard let flag = try Self.flags(incidentID: incidentID, transaction).first(where: { $0.id == withdrawal.flagID }) else {
                throw PostgresStoreError(code: .database, message: "the flag just withdrawn cannot be read back")
            }
            return flag
        }
    }

    /// The MCID flags of an incident, oldest first, with their withdrawals.
    package func flags(incidentID: Int64) throws -> [MCIDFlag] {
        try session.transaction { transaction in try Self.flags(incidentID: incidentID, transaction) }
    }

    /// The flagged call's latest stored event (any node's), or nil.
    private static func flaggedCall(
        _ selector: MCIDCallSelector, at time: Timestamp, latestOfSeveral: Bool, _ transaction: PostgresSession.Transaction
    ) throws -> CallEvent? {
        guard let callID = try selector.callID(
            at: time, latestOfSeveral: latestOfSeveral,
            reached: { try callsThatReached($0, from: $1, to: $2, transaction) })
        else { return nil }
        return try transaction.rows(
            """
            SELECT \(unescaped: eventReadColumns) FROM call_events
            WHERE call_id = \(ByteBuffer(string: callID)) ORDER BY id DESC LIMIT 1
            """
        ).first.map(event(from:))
    }

    /// The calls to `callee` that started in the window (with a minute's slack after `to`) and
    /// reached it (rang or were answered), newest first, at most 20: as `SQLiteStore`.
    static func callsThatReached(
        _ callee: String, from: Timestamp, to: Timestamp, _ transaction: PostgresSession.Transaction
    ) throws -> [MCIDCandidate] {
        let latest = try transaction.rows(
            """
            SELECT max(id) FROM call_events
            WHERE counted_time >= \(from.microsecondsSinceEpoch) AND counted_time <= \((to + .minutes(1)).microsecondsSinceEpoch)
              AND callee_key = \(ByteBuffer(string: callee))
            GROUP BY call_id
            HAVING bool_or(phase IN ('ringing', 'answered') OR disposition IN ('answered', 'no-answer'))
            ORDER BY min(counted_time) DESC, max(id) DESC LIMIT 20
            """
        ).map { try $0.decode(Int64.self) }
        return try latest.compactMap { id in
            guard let row = try transaction.rows("SELECT \(unescaped: eventReadColumns) FROM call_events WHERE id = \(id)").first else {
                return nil
            }
            let event = try event(from: row)
            return MCIDCandidate(callID: event.callID, start: event.countedTime, caller: event.caller, disposition: event.disposition)
        }
    }

    private static func insertFlag(
        _ request: MCIDRequest, callID: String, event: CallEvent?, incidentID: Int64, actor: String,
        _ transaction: PostgresSession.Transaction
    ) throws -> Int64 {
        let headers = try encodeList(request.sipHeaders.flatMap { [$0.name, $0.value] })
        let caller = event?.caller
        func text(_ value: String?) -> ByteBuffer? { value.map { ByteBuffer(string: $0) } }
        let rows = try transaction.rows(
            """
            INSERT INTO mcid_flags (
                incident_id, kind, call_id, flagged_at, flagged_by, note, source_address, sip_headers,
                call_source, call_start, disposition, duration_us, talk_time_us, caller_raw, caller_e164,
                caller_extension, caller_name, asserted_identity, presentation_restricted, callee_raw, callee_key)
            VALUES (
                \(incidentID), \(request.kind.rawValue), \(ByteBuffer(string: callID)), \(request.time.microsecondsSinceEpoch),
                \(ByteBuffer(string: actor)), \(ByteBuffer(string: request.note.trimmingSpaces)), \(text(request.sourceAddress)),
                \(headers), \(event?.source.rawValue), \(event?.countedTime.microsecondsSinceEpoch), \(event?.disposition?.rawValue),
                \(event?.duration?.microseconds), \(event?.talkTime?.microseconds), \(text(caller?.raw)), \(caller?.number?.description),
                \(text(caller?.internalExtension)), \(text(caller?.displayName)), \(caller?.assertedIdentity?.description),
                \(caller?.presentationRestricted), \(text(event?.callee.raw)), \(text(event?.callee.key)))
            RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else {
            throw PostgresStoreError(code: .database, message: "storing an MCID flag returned no id")
        }
        return id
    }

    /// The MCID flags of an incident, oldest first, inside the caller's transaction.
    static func flags(incidentID: Int64, _ transaction: PostgresSession.Transaction) throws -> [MCIDFlag] {
        let rows = try transaction.rows(
            """
            SELECT f.id, f.incident_id, f.kind, f.call_id, f.flagged_at, f.flagged_by, f.note, f.source_address, f.sip_headers,
                   f.call_source, f.call_start, f.disposition, f.duration_us, f.talk_time_us, f.caller_raw, f.caller_e164,
                   f.caller_extension, f.caller_name, f.asserted_identity, f.presentation_restricted, f.callee_raw, f.callee_key,
                   w.withdrawn_at, w.withdrawn_by, w.reason
            FROM mcid_flags AS f LEFT JOIN mcid_withdrawals AS w ON w.flag_id = f.id
            WHERE f.incident_id = \(incidentID) ORDER BY f.id
            """)
        return try rows.map(flag(from:))
    }

    private static func flag(from row: PostgresRow) throws -> MCIDFlag {
        let cells = row.makeRandomAccess()
        func value<T: PostgresDecodable>(_ index: Int, _: T.Type) throws -> T { try cells[index].decode(T.self, context: .default) }
        func text(_ index: Int) throws -> String? { try value(index, ByteBuffer?.self).map { String(buffer: $0) } }
        func number(_ index: Int, _ column: String) throws -> E164Number? {
            guard let text = try value(index, String?.self) else { return nil }
            guard let number = E164Number(e164: text) else {
                throw PostgresStoreError(code: .invalidData, message: "mcid_flags.\(column) is not an E.164 number")
            }
            return number
        }
        let list = try decodeList(try value(8, String.self))
        var headers: [SIPHeaderField] = []
        var index = 0
        while index + 1 < list.count {
            headers.append(SIPHeaderField(name: list[index], value: list[index + 1]))
            index += 2
        }
        let id = try value(0, Int64.self)
        let callID = try text(3) ?? ""
        var call: TimelineCall?
        if let source = try value(9, String?.self), let callerRaw = try text(14) {
            call = TimelineCall(
                callID: callID, source: try decoded(source, "mcid_flags.call_source"),
                start: Timestamp(microsecondsSinceEpoch: try value(10, Int64?.self) ?? 0),
                disposition: try value(11, String?.self).map { try decoded($0, "mcid_flags.disposition") },
                duration: try value(12, Int64?.self).map(TimeSpan.init(microseconds:)),
                talkTime: try value(13, Int64?.self).map(TimeSpan.init(microseconds:)),
                caller: CallerIdentity(
                    raw: callerRaw, number: try number(15, "caller_e164"), internalExtension: try text(16), displayName: try text(17),
                    assertedIdentity: try number(18, "asserted_identity"), presentationRestricted: try value(19, Bool?.self) ?? false),
                callee: CalledParty(raw: try text(20) ?? "", key: try text(21) ?? ""))
        }
        let withdrawal = try value(22, Int64?.self).map { time in
            MCIDWithdrawal(flagID: id, actor: try text(23) ?? "", reason: try text(24) ?? "", time: Timestamp(microsecondsSinceEpoch: time))
        }
        return MCIDFlag(
            id: id, incidentID: try value(1, Int64.self), kind: try decoded(try value(2, String.self), "mcid_flags.kind"),
            callID: callID, call: call, flaggedAt: Timestamp(microsecondsSinceEpoch: try value(4, Int64.self)),
            flaggedBy: try text(5) ?? "", note: try text(6) ?? "", sourceAddress: try text(7), sipHeaders: headers,
            withdrawal: withdrawal)
    }
}
