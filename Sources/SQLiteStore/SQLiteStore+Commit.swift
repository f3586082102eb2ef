package import CallPipeline
import CallModel
import GRDB

// MARK: - Writes: ingestion batches

extension SQLiteStore {
    /// Commits a batch in one write transaction: events, detection upserts (each opening or touching
    /// its incident), automatic rules with their `rule.auto-add` audit entries, checkpoint upserts
    /// and the malformed-record count. Either all of it is stored or, on any error, none of it.
    ///
    /// Events are inserted through one cached prepared statement with unchecked argument binding:
    /// the batch is the hot path of ingestion.
    /// - Throws: ``SQLiteStoreError``; nothing of the batch is stored then.
    package func commit(_ batch: IngestBatch) throws {
        guard !batch.isEmpty else { return }
        try write { db in
            try insertEvents(batch.events, db)
            for detection in batch.detections {
                try upsertDetection(detection, db)
            }
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

    private static let insertEventSQL = """
        INSERT INTO call_events (
            time, call_id, source, phase, disposition, call_start, duration_us, talk_time_us,
            caller_raw, caller_e164, caller_extension, caller_name, asserted_identity,
            presentation_restricted, callee_raw, callee_key, counted_time, counted_identity)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    private func insertEvents(_ events: [CallEvent], _ db: Database) throws {
        guard !events.isEmpty else { return }
        let statement = try db.cachedStatement(sql: Self.insertEventSQL)
        for event in events {
            let caller = event.caller
            // Eighteen values for eighteen placeholders: the count is fixed by the SQL above.
            statement.setUncheckedArguments([
                event.time.microsecondsSinceEpoch,
                event.callID,
                event.source.rawValue,
                event.phase.rawValue,
                event.disposition?.rawValue,
                event.callStart?.microsecondsSinceEpoch,
                event.duration?.microseconds,
                event.talkTime?.microseconds,
                caller.raw,
                caller.number?.description,
                caller.internalExtension,
                caller.displayName,
                caller.assertedIdentity?.description,
                caller.presentationRestricted,
                event.callee.raw,
                event.callee.key,
                event.countedTime.microsecondsSinceEpoch,
                caller.countedNumber?.description,
            ])
            try statement.execute()
        }
    }

    private func upsertCheckpoint(_ checkpoint: TailCheckpoint, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO tail_checkpoints (path, device, inode, byte_offset, line_number, head_hash, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET
                    device = excluded.device, inode = excluded.inode, byte_offset = excluded.byte_offset,
                    line_number = excluded.line_number, head_hash = excluded.head_hash,
                    updated_at = excluded.updated_at
                """)
        try statement.execute(arguments: [
            checkpoint.path,
            StoredValue.bitPattern(checkpoint.device),
            StoredValue.bitPattern(checkpoint.inode),
            checkpoint.offset,
            checkpoint.lineNumber,
            StoredValue.bitPattern(checkpoint.headHash),
            checkpoint.updatedAt.microsecondsSinceEpoch,
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
