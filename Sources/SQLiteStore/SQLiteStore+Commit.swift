package import CallwardenPorts
import CallModel
import GRDB

// MARK: - Writes: ingestion batches

extension SQLiteStore {
    /// Commits a batch in one write transaction: events, detection upserts (each opening or touching
    /// its incident and writing its alert into the outbox), the calls they link (all together, after
    /// them: ``PendingCallLinks``), automatic rules with their `rule.auto-add` audit entries, checkpoint upserts
    /// and the malformed-record count. Either all of it is stored or, on any error, none of it.
    ///
    /// Events, the hot path of ingestion, go in through cached prepared multi-row `INSERT`s with
    /// their values bound directly (see `insertEvents`); everything else is a handful of rows.
    /// - Throws: ``SQLiteStoreError``; nothing of the batch is stored then.
    package func commit(_ batch: IngestBatch) throws {
        try commit(batch, skippingRepeatedPushedEvents: false)
    }

    /// Commits a batch of pushed events like ``commit(_:)``, in one transaction, but first records
    /// each event's `PushedEventKey` in `pushed_event_keys` and leaves out every event whose key
    /// was already there (a resend): see `SQLiteStore+PushedEvents.swift`.
    /// - Throws: ``SQLiteStoreError``; nothing of the batch is stored then.
    package func commitPushed(_ batch: IngestBatch) throws {
        try commit(batch, skippingRepeatedPushedEvents: true)
    }

    private func commit(_ batch: IngestBatch, skippingRepeatedPushedEvents: Bool) throws {
        guard !batch.isEmpty else { return }
        try write { db in
            let events = skippingRepeatedPushedEvents ? try Self.firstDeliveries(of: batch.events, storedAt: clock.now(), db) : batch.events
            try insertEvents(events, db)
            // A file's history import: episodes that ended before its first start are historical.
            let historyCutoff = batch.checkpoints.compactMap(\.historyCutoff).max()
            // The detections' call links go in together after them (``PendingCallLinks``).
            let links = PendingCallLinks()
            // An episode stored as historical is forgotten when it comes back live; a store without
            // historical episodes (most: only a history import makes them) skips the look-up.
            var anyHistorical = try !batch.detections.isEmpty && Self.hasHistoricalDetections(db)
            for detection in batch.detections {
                if let historyCutoff, detection.last < historyCutoff {
                    try upsertHistoricalDetection(detection, db)
                    anyHistorical = true
                } else {
                    try upsertDetection(detection, db, deferringLinksTo: links)
                    if anyHistorical { try forgetHistorical(detection, db) }
                }
            }
            try insert(links, db)
            for rule in batch.rules {
                _ = try insertRule(rule, actor: "detection", auditAction: "rule.auto-add", db)
            }
            for checkpoint in batch.checkpoints {
                try upsertCheckpoint(checkpoint, db)
            }
            if batch.malformedCount != 0 {
                try addToCounter(named: Self.malformedCounter, batch.malformedCount, db)
            }
        }
    }

    /// The `ingest_counters` row holding the malformed-record count.
    static let malformedCounter = "malformed"

    /// The columns of a `call_events` row, in binding order.
    private static let eventColumns = """
        time, call_id, source, phase, disposition, call_start, duration_us, talk_time_us, \
        caller_raw, caller_e164, caller_extension, caller_name, asserted_identity, \
        presentation_restricted, callee_raw, callee_key, counted_time, counted_identity, \
        decision_action, decision_target, decision_rule, decision_reason
        """
    /// Columns per event row.
    private static let eventColumnCount: CInt = 22
    /// Rows per multi-row `INSERT`: 32 × 22 = 704 parameters, below SQLite's historical limit of 999.
    private static let eventRowsPerStatement = 32

    /// `INSERT INTO table (...) VALUES (?, ...), (?, ...)` for `rows` rows.
    private static func insertEventsSQL(rows: Int, into table: String) -> String {
        let row = "(" + Array(repeating: "?", count: Int(eventColumnCount)).joined(separator: ", ") + ")"
        return "INSERT INTO " + table + " (" + eventColumns + ") VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The two statements that insert events into one table (`call_events`, or the spool of
    /// pushed events, which has the same columns).
    struct EventInsertSQL {
        let chunk: String
        let row: String

        init(table: String) {
            chunk = SQLiteStore.insertEventsSQL(rows: SQLiteStore.eventRowsPerStatement, into: table)
            row = SQLiteStore.insertEventsSQL(rows: 1, into: table)
        }
    }

    private static let callEventInserts = EventInsertSQL(table: "call_events")

    /// Inserts events 32 rows per statement through a cached prepared multi-row `INSERT` (the rest
    /// one row per statement), binding each column straight onto the SQLite statement with GRDB's
    /// public `StatementBinding` (`sqlite3_bind_*` underneath).
    ///
    /// This is the cheapest binding GRDB offers. Measured in a release build: building a
    /// `StatementArguments` per event boxes eighteen optionals into existentials (or, from
    /// `[DatabaseValue]`, runs an unspecialised key-path `map`), which was more than half of the
    /// commit time; multi-row statements then cut GRDB's and SQLite's per-statement work.
    func insertEvents(_ events: [CallEvent], _ db: Database, using sql: EventInsertSQL = callEventInserts) throws {
        guard !events.isEmpty else { return }
        var remaining = events[...]
        if remaining.count >= Self.eventRowsPerStatement {
            let chunkStatement = try db.cachedStatement(sql: sql.chunk)
            while remaining.count >= Self.eventRowsPerStatement {
                let chunk = remaining.prefix(Self.eventRowsPerStatement)
                remaining = remaining.dropFirst(Self.eventRowsPerStatement)
                try Self.insert(chunk, with: chunkStatement)
            }
        }
        if !remaining.isEmpty {
            let rowStatement = try db.cachedStatement(sql: sql.row)
            for event in remaining {
                try Self.insert(CollectionOfOne(event), with: rowStatement)
            }
        }
    }

    /// Binds `events` (as many as the statement has rows) and steps the statement once.
    @inline(__always)
    private static func insert(_ events: some Collection<CallEvent>, with statement: Statement) throws {
        // Resets the statement (binding needs a reset statement) and marks its arguments as set,
        // so that `execute()` below steps it with the values bound here.
        statement.setUncheckedArguments(StatementArguments())
        let sqliteStatement = statement.sqliteStatement
        var offset: CInt = 0
        // By index, so that each event is bound where it lies (borrowed), not copied out first.
        var index = events.startIndex
        while index != events.endIndex {
            try bindColumns(of: events[index], to: sqliteStatement, offset: offset)
            offset += eventColumnCount
            events.formIndex(after: &index)
        }
        try statement.execute()
    }

    /// Binds the twenty-two columns of one event in `eventColumns` order.
    @inline(__always)
    private static func bindColumns(of event: CallEvent, to statement: SQLiteStatement, offset: CInt) throws {
        let caller = event.caller
        try bind(event.time.microsecondsSinceEpoch, offset + 1, statement)
        try bind(FullLengthText(event.callID), offset + 2, statement)
        try bind(event.source.rawValue, offset + 3, statement)
        try bind(event.phase.rawValue, offset + 4, statement)
        try bind(event.disposition?.rawValue, offset + 5, statement)
        try bind(event.callStart?.microsecondsSinceEpoch, offset + 6, statement)
        try bind(event.duration?.microseconds, offset + 7, statement)
        try bind(event.talkTime?.microseconds, offset + 8, statement)
        try bind(FullLengthText(caller.raw), offset + 9, statement)
        try bind(caller.number?.description, offset + 10, statement)
        try bind(caller.internalExtension.map(FullLengthText.init), offset + 11, statement)
        try bind(caller.displayName.map(FullLengthText.init), offset + 12, statement)
        try bind(caller.assertedIdentity?.description, offset + 13, statement)
        try bind(Int64(caller.presentationRestricted ? 1 : 0), offset + 14, statement)
        try bind(FullLengthText(event.callee.raw), offset + 15, statement)
        try bind(FullLengthText(event.callee.key), offset + 16, statement)
        try bind(event.countedTime.microsecondsSinceEpoch, offset + 17, statement)
        try bind(caller.countedNumber?.description, offset + 18, statement)
        let decision = event.decision
        try bind(decision?.action.name, offset + 19, statement)
        try bind(decision?.action.redirectTarget.map(FullLengthText.init), offset + 20, statement)
        try bind(decision?.ruleID, offset + 21, statement)
        try bind(decision.map { FullLengthText($0.reason) }, offset + 22, statement)
    }

    @inline(__always)
    private static func bind(_ value: some StatementBinding, _ index: CInt, _ statement: SQLiteStatement) throws {
        let code = value.bind(to: statement, at: index)
        guard code == 0 else {  // SQLITE_OK
            throw SQLiteStoreError(
                code: .database, message: "binding parameter \(index) of an event failed with SQLite code \(code)")
        }
    }

    private func upsertCheckpoint(_ checkpoint: TailCheckpoint, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO tail_checkpoints (
                    path, device, inode, byte_offset, line_number, head_hash, updated_at, history_cutoff, history_end)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET
                    device = excluded.device, inode = excluded.inode, byte_offset = excluded.byte_offset,
                    line_number = excluded.line_number, head_hash = excluded.head_hash,
                    updated_at = excluded.updated_at, history_cutoff = excluded.history_cutoff,
                    history_end = excluded.history_end
                """)
        try statement.execute(arguments: [
            checkpoint.path,
            StoredValue.bitPattern(checkpoint.device),
            StoredValue.bitPattern(checkpoint.inode),
            checkpoint.offset,
            checkpoint.lineNumber,
            StoredValue.bitPattern(checkpoint.headHash),
            checkpoint.updatedAt.microsecondsSinceEpoch,
            checkpoint.historyCutoff?.microsecondsSinceEpoch,
            checkpoint.historyEnd,
        ])
    }

    private func addToCounter(named name: String, _ amount: Int, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO ingest_counters (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = ingest_counters.value + excluded.value
                """)
        try statement.execute(arguments: [name, amount])
    }
}
