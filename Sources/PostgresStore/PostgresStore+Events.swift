package import CallModel
package import CallwardenPorts
import Incidents
import NIOCore
import PostgresNIO

// MARK: - Events, checkpoints, counters, statistics

extension PostgresStore: EventStore {
    /// Commits a batch in one transaction: events (stamped with this node), detection upserts,
    /// automatic rules with their `rule.auto-add` audit entries, this node's checkpoints and the
    /// malformed-record count. All of it or, on any error, none of it.
    package func commit(_ batch: IngestBatch) throws {
        try commit(batch, skippingRepeatedPushedEvents: false)
    }

    /// Like ``commit(_:)``, but an event whose ``PushedEventKey`` any node already committed is
    /// left out (its key is recorded in `pushed_event_keys` in the same transaction).
    package func commitPushed(_ batch: IngestBatch) throws {
        try commit(batch, skippingRepeatedPushedEvents: true)
    }

    private func commit(_ batch: IngestBatch, skippingRepeatedPushedEvents: Bool) throws {
        guard !batch.isEmpty else { return }
        let node = self.node
        let storedAt = clock.now().microsecondsSinceEpoch
        let alerted = try session.transaction { transaction in
            if !skippingRepeatedPushedEvents, try Self.isCommittedAlready(batch.checkpoints, node: node, transaction) {
                return false
            }
            // Every incident this batch may touch is locked first, in one order (see ``lockIncidentKeys(_:_:)``).
            try Self.lockIncidentKeys(batch.detections.map(IncidentKey.init(detection:)), transaction)
            let events = skippingRepeatedPushedEvents ? try Self.firstDeliveries(of: batch.events, storedAt: storedAt, transaction) : batch.events
            try Self.insertEvents(events, node: node, transaction)
            // A file's history import: episodes that ended before its first start are historical.
            let historyCutoff = batch.checkpoints.compactMap(\.historyCutoff).max()
            let alerted = try upsertDetections(batch.detections, historyCutoff: historyCutoff, transaction)
            for rule in batch.rules {
                _ = try Self.insertRule(rule, actor: "detection", auditAction: "rule.auto-add", transaction)
            }
            for checkpoint in batch.checkpoints {
                try transaction.execute(
                    """
                    INSERT INTO tail_checkpoints (
                        node, path, device, inode, byte_offset, line_number, head_hash, updated_at, history_cutoff, history_end)
                    VALUES (\(node), \(checkpoint.path), \(Int64(bitPattern: checkpoint.device)),
                        \(Int64(bitPattern: checkpoint.inode)), \(checkpoint.offset), \(checkpoint.lineNumber),
                        \(Int64(bitPattern: checkpoint.headHash)), \(checkpoint.updatedAt.microsecondsSinceEpoch),
                        \(checkpoint.historyCutoff?.microsecondsSinceEpoch), \(checkpoint.historyEnd))
                    ON CONFLICT (node, path) DO UPDATE SET
                        device = excluded.device, inode = excluded.inode, byte_offset = excluded.byte_offset,
                        line_number = excluded.line_number, head_hash = excluded.head_hash, updated_at = excluded.updated_at,
                        history_cutoff = excluded.history_cutoff, history_end = excluded.history_end
                    """)
                try Self.recordHistoryImport(checkpoint, node: node, transaction)
            }
            if batch.malformedCount != 0 {
                try transaction.execute(
                    """
                    INSERT INTO ingest_counters (name, value) VALUES ('malformed', \(Int64(batch.malformedCount)))
                    ON CONFLICT (name) DO UPDATE SET value = ingest_counters.value + excluded.value
                    """)
            }
            return alerted
        }
        if alerted { onAlertCommitted?() }
    }

    /// Whether a file's batch was committed already: its checkpoint (locked for this transaction)
    /// is the same file (device, inode and head) at or past the batch's end. That happens when a
    /// commit reached PostgreSQL but its answer did not reach the node (the connection broke after
    /// `COMMIT` was sent): the ingest loop retries the batch, which must not store its lines twice.
    /// A batch carries its file's checkpoint only; a batch with none (or several) is never skipped.
    /// After a copytruncate the same inode starts again at 0 with another head, so it is not taken
    /// for a repeat.
    static func isCommittedAlready(_ checkpoints: [TailCheckpoint], node: String, _ transaction: PostgresSession.Transaction) throws -> Bool {
        guard checkpoints.count == 1, let checkpoint = checkpoints.first else { return false }
        let rows = try transaction.rows(
            """
            SELECT device, inode, head_hash, byte_offset FROM tail_checkpoints
            WHERE node = \(node) AND path = \(checkpoint.path) FOR UPDATE
            """)
        guard let (device, inode, head, offset) = try rows.first?.decode((Int64, Int64, Int64, Int64).self) else { return false }
        return UInt64(bitPattern: device) == checkpoint.device && UInt64(bitPattern: inode) == checkpoint.inode
            && UInt64(bitPattern: head) == checkpoint.headHash && offset >= checkpoint.offset
    }

    /// This node's last committed checkpoint of a followed path, if any.
    package func checkpoint(forPath path: String) throws -> TailCheckpoint? {
        let rows = try session.query(
            """
            SELECT device, inode, byte_offset, line_number, head_hash, updated_at, history_cutoff, history_end
            FROM tail_checkpoints WHERE node = \(node) AND path = \(path)
            """)
        return try rows.first.map { row in
            let (device, inode, offset, lineNumber, headHash, updatedAt, cutoff, historyEnd) = try row.decode(
                (Int64, Int64, Int64, Int64, Int64, Int64, Int64?, Int64?).self)
            return TailCheckpoint(
                path: path, device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode), offset: offset,
                lineNumber: lineNumber, headHash: UInt64(bitPattern: headHash),
                updatedAt: Timestamp(microsecondsSinceEpoch: updatedAt),
                historyCutoff: cutoff.map(Timestamp.init(microsecondsSinceEpoch:)), historyEnd: historyEnd)
        }
    }

    /// Events of every node whose counted time is at or after `since`, oldest first (ties in
    /// insertion order); the newest `limit` when there are more.
    package func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] {
        let rows = try session.query(
            """
            SELECT \(unescaped: Self.eventReadColumns) FROM (
                SELECT * FROM call_events WHERE counted_time >= \(since.microsecondsSinceEpoch)
                ORDER BY counted_time DESC, id DESC LIMIT \(Int64(max(limit, 0)))) AS newest
            ORDER BY counted_time, id
            """)
        return try rows.map(Self.event(from:))
    }

    /// Totals over every node's rows.
    package func statistics() throws -> StoreStatistics {
        let row = try session.query(
            """
            SELECT (SELECT count(*) FROM call_events), (SELECT count(DISTINCT call_id) FROM call_events),
                   (SELECT count(*) FROM detections), (SELECT count(*) FROM rules),
                   (SELECT coalesce(max(value), 0) FROM ingest_counters WHERE name = 'malformed')
            """).first
        guard let row else { return StoreStatistics() }
        let (events, calls, detections, rules, malformed) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
        return StoreStatistics(
            events: Int(events), calls: Int(calls), detections: Int(detections), rules: Int(rules), malformed: Int(malformed))
    }

    /// How many pushed-event keys are stored (tests and diagnostics).
    package func pushedEventKeyCount() throws -> Int {
        Int(try session.query("SELECT count(*) FROM pushed_event_keys").first?.decode(Int64.self) ?? 0)
    }

    // MARK: Rows

    /// Columns per event row in ``insertEvents(_:node:_:)``.
    private static let eventColumnCount = 23
    /// Rows per `INSERT`: 23 binds each, well below the protocol's 65,535 parameters.
    private static let eventRowsPerStatement = 500

    private static func insertEvents(_ events: [CallEvent], node: String, _ transaction: PostgresSession.Transaction) throws {
        var remaining = events[...]
        while !remaining.isEmpty {
            let chunk = remaining.prefix(eventRowsPerStatement)
            remaining = remaining.dropFirst(chunk.count)
            var binds = PostgresBindings(capacity: chunk.count * eventColumnCount)
            var sql = """
                INSERT INTO call_events (
                    node, time, call_id, source, phase, disposition, call_start, duration_us, talk_time_us,
                    caller_raw, caller_e164, caller_extension, caller_name, asserted_identity, presentation_restricted,
                    callee_raw, callee_key, counted_time, counted_identity,
                    decision_action, decision_target, decision_rule, decision_reason) VALUES
                """
            for (row, event) in chunk.enumerated() {
                let caller = event.caller
                binds.append(node)
                binds.append(event.time.microsecondsSinceEpoch)
                binds.append(ByteBuffer(string: event.callID))
                binds.append(event.source.rawValue)
                binds.append(event.phase.rawValue)
                binds.append(event.disposition?.rawValue)
                binds.append(event.callStart?.microsecondsSinceEpoch)
                binds.append(event.duration?.microseconds)
                binds.append(event.talkTime?.microseconds)
                binds.append(ByteBuffer(string: caller.raw))
                binds.append(caller.number?.description)
                binds.append(caller.internalExtension.map { ByteBuffer(string: $0) })
                binds.append(caller.displayName.map { ByteBuffer(string: $0) })
                binds.append(caller.assertedIdentity?.description)
                binds.append(caller.presentationRestricted)
                binds.append(ByteBuffer(string: event.callee.raw))
                binds.append(ByteBuffer(string: event.callee.key))
                binds.append(event.countedTime.microsecondsSinceEpoch)
                binds.append(caller.countedNumber?.description)
                binds.append(event.decision?.action.name)
                binds.append(event.decision?.action.redirectTarget.map { ByteBuffer(string: $0) })
                binds.append(event.decision?.ruleID)
                binds.append(event.decision.map { ByteBuffer(string: $0.reason) })
                let base = row * eventColumnCount
                sql += (row == 0 ? " (" : ", (")
                    + (1...eventColumnCount).map { "$\(base + $0)" }.joined(separator: ", ") + ")"
            }
            try transaction.execute(PostgresQuery(unsafeSQL: sql, binds: binds))
        }
    }

    /// The events whose key no node committed before (nor earlier in `events`), in order; their
    /// keys are inserted on the way, in the caller's transaction.
    private static func firstDeliveries(
        of events: [CallEvent], storedAt: Int64, _ transaction: PostgresSession.Transaction
    ) throws -> [CallEvent] {
        var fresh: [CallEvent] = []
        for event in events {
            let key = PushedEventKey(event)
            let inserted = try transaction.execute(
                """
                INSERT INTO pushed_event_keys (source, call_id, phase, time, stored_at)
                VALUES (\(key.source.rawValue), \(ByteBuffer(string: key.callID)), \(key.phase.rawValue),
                    \(key.time.microsecondsSinceEpoch), \(storedAt))
                ON CONFLICT DO NOTHING
                """)
            if inserted > 0 { fresh.append(event) }
        }
        return fresh
    }

    static let eventReadColumns = """
        time, call_id, source, phase, disposition, call_start, duration_us, talk_time_us, caller_raw, caller_e164, \
        caller_extension, caller_name, asserted_identity, presentation_restricted, callee_raw, callee_key, \
        decision_action, decision_target, decision_rule, decision_reason
        """

    static func event(from row: PostgresRow) throws -> CallEvent {
        let cells = row.makeRandomAccess()
        func value<T: PostgresDecodable>(_ index: Int, _: T.Type = T.self) throws -> T {
            try cells[index].decode(T.self, context: .default)
        }
        func text(_ index: Int) throws -> String? {
            try value(index, ByteBuffer?.self).map { String(buffer: $0) }
        }
        func number(_ index: Int, _ column: String) throws -> E164Number? {
            guard let text = try value(index, String?.self) else { return nil }
            guard let number = E164Number(e164: text) else {
                throw PostgresStoreError(code: .invalidData, message: "call_events.\(column) is not an E.164 number")
            }
            return number
        }
        func decoded<T: RawRepresentable>(_ index: Int, _ column: String) throws -> T? where T.RawValue == String {
            guard let raw = try value(index, String?.self) else { return nil }
            guard let decoded = T(rawValue: raw) else {
                throw PostgresStoreError(code: .invalidData, message: "call_events.\(column) holds an unknown value")
            }
            return decoded
        }
        guard let source: EventSource = try decoded(2, "source"), let phase: CallPhase = try decoded(3, "phase") else {
            throw PostgresStoreError(code: .invalidData, message: "call_events.source or phase is empty")
        }
        var decision: CallDecision?
        if let name = try value(16, String?.self) {
            let action: RuleAction
            switch (name, try text(17)) {
            case ("allow", nil): action = .allow
            case ("block", nil): action = .block
            case ("flag", nil): action = .flag
            case ("redirect", let target?): action = .redirect(to: target)
            default:
                throw PostgresStoreError(
                    code: .invalidData, message: "call_events.decision_action and decision_target disagree")
            }
            decision = CallDecision(action: action, ruleID: try value(18, Int64?.self), reason: try text(19) ?? "")
        }
        return CallEvent(
            time: Timestamp(microsecondsSinceEpoch: try value(0)),
            callID: try text(1) ?? "",
            source: source,
            phase: phase,
            disposition: try decoded(4, "disposition"),
            callStart: try value(5, Int64?.self).map(Timestamp.init(microsecondsSinceEpoch:)),
            duration: try value(6, Int64?.self).map(TimeSpan.init(microseconds:)),
            talkTime: try value(7, Int64?.self).map(TimeSpan.init(microseconds:)),
            caller: CallerIdentity(
                raw: try text(8) ?? "",
                number: try number(9, "caller_e164"),
                internalExtension: try text(10),
                displayName: try text(11),
                assertedIdentity: try number(12, "asserted_identity"),
                presentationRestricted: try value(13)),
            callee: CalledParty(raw: try text(14) ?? "", key: try text(15) ?? ""),
            decision: decision)
    }
}
