import GRDB

extension StoreSchema {
    /// The name of the migration that moves the evidence chain to compact entries.
    static let compactEvidenceChainMigration = "evidence-5-compact-entries"

    /// The table of compact chain entries (migration `evidence-5-compact-entries`).
    static let compactEntriesTable = "evidence_entries"

    /// The evidence chain's compact entry format, continuing the first one.
    ///
    /// A first-format entry (`evidence_chain`) was a row of hex text: the content hash (64 digits),
    /// a 16-digit digest per column with a space before each (about 390 characters for a call event's
    /// 23 columns), the entry hash, plus an index on `(kind, row_key, seq)`; a linked call's events
    /// went through `evidence_chain_queue` (an insert, its trigger, a delete) even when there was one.
    /// On the DoS hour (135,000 entries, two per linked call) those rows, not the hashing, were what
    /// the chain cost. A compact entry in `evidence_entries` is `(seq, kind, row_key, operation,
    /// hashes)` where `hashes` is one blob: the entry hash (32 bytes), the content hash (32 bytes)
    /// and the column digests (8 bytes each, the same first 8 bytes of each column encoding's
    /// SHA-256 as before). The content hash and the digests are exactly the first format's, in
    /// bytes, so a row's latest entry compares the same whichever format it is in. The entry hash is
    /// the SHA-256 of the canonical serialisation (``EvidenceChainFunctions/rowHashes(_:)``) of
    /// `(previous entry hash as 32 bytes — empty for the very first entry, seq, kind, row_key,
    /// operation, content hash and digests as one blob)`: every field, unambiguously. The table has
    /// no index besides its primary key: `evidence verify` sorts the entries by row once, at check
    /// time, instead of every append paying for an index.
    ///
    /// Continuity: `evidence_chain` is kept as it is and closed (a trigger refuses inserts); the
    /// first compact entry's `seq` follows its last one and its hash covers that entry's hash (the
    /// hex decoded), so the chain is one sequence across both tables and a bundle's head still
    /// fixes everything before it. Nothing is re-chained: a row's latest entry may stay a
    /// first-format one until the row changes.
    ///
    /// The triggers append with `INSERT ... VALUES` (no temporary copy of a one-row `SELECT`, as an
    /// `INSERT ... SELECT` that reads its own table needs); a linked call's first event is appended
    /// directly by the link's trigger and only its further events (rare in CDR input: one line per
    /// call) go through the queue.
    ///
    /// Deliberately not handled: shortening what a row's entry proves — every column is still in
    /// the content hash and every entry in the chain; one entry covering a link and its call's
    /// events together (it would make a call's events depend on which incident linked them first,
    /// and the purge of one without the other harder to show).
    static func compactEvidenceChain(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE evidence_entries (
                    seq INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    row_key TEXT NOT NULL,
                    operation TEXT NOT NULL CHECK (operation = 'insert' OR operation = 'update' OR operation = 'delete'),
                    hashes BLOB NOT NULL CHECK (length(hashes) >= 64)
                );
                CREATE TRIGGER evidence_entries_no_update BEFORE UPDATE ON evidence_entries
                BEGIN SELECT RAISE(ABORT, 'evidence_entries is append-only'); END;
                CREATE TRIGGER evidence_entries_no_delete BEFORE DELETE ON evidence_entries
                BEGIN SELECT RAISE(ABORT, 'evidence_entries is append-only'); END;
                CREATE TRIGGER evidence_chain_closed BEFORE INSERT ON evidence_chain
                BEGIN SELECT RAISE(ABORT, 'evidence_chain is closed: entries go to evidence_entries'); END;
                DROP TRIGGER evidence_chain_append;
                """)
        try db.execute(sql: chainAppendTrigger.sql)
        for table in chainedTables {
            for trigger in chainTriggers(table) {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger.name)")
            }
            try createChainTriggers(table, db)
        }
    }

    /// The trigger that turns a queued row into the next chain entry (the rows a multi-row write
    /// chains: a linked call's events after its first, the rows chained by a migration).
    static let chainAppendTrigger = (
        name: "evidence_chain_append", table: "evidence_chain_queue",
        sql: """
                CREATE TRIGGER evidence_chain_append AFTER INSERT ON evidence_chain_queue
                BEGIN
                    \(appendEntry(kind: "NEW.kind", key: "NEW.row_key", operation: "NEW.operation", rowBytes: "NEW.row_hashes"));
                    DELETE FROM evidence_chain_queue WHERE rowid = NEW.rowid;
                END;
            """)

    /// The next entry's `seq`: after the last compact entry, else after the last first-format one.
    private static let nextSeq = """
        coalesce((SELECT max(seq) FROM evidence_entries), (SELECT max(seq) FROM evidence_chain), 0) + 1
        """

    /// The previous entry's hash as `callwarden_chain_entry` takes it: the last compact entry's
    /// `hashes` (it reads the first 32 bytes), else the last first-format entry's hex hash, else NULL.
    private static let previousHash = """
        coalesce((SELECT hashes FROM evidence_entries ORDER BY seq DESC LIMIT 1),
                                     (SELECT entry_sha256 FROM evidence_chain ORDER BY seq DESC LIMIT 1))
        """

    /// The `INSERT` that appends one compact entry after the last one; `rowBytes` is SQL giving what
    /// `callwarden_chain_row_bytes` returns. The uncorrelated subqueries run once per execution.
    static func appendEntry(kind: String, key: String, operation: String, rowBytes: String) -> String {
        """
        INSERT INTO evidence_entries (seq, kind, row_key, operation, hashes)
                    VALUES (\(nextSeq), \(kind), \(key), \(operation),
                            \(EvidenceChainFunctions.chainEntryName)(\(previousHash),
                                \(nextSeq), \(kind), \(key), \(operation), \(rowBytes)))
        """
    }

    /// The compact-format triggers that chain `table`: name and `CREATE TRIGGER` statement (what
    /// `evidence verify` expects to find in `sqlite_master`).
    static func chainTriggers(_ table: ChainedTable) -> [(name: String, sql: String)] {
        var triggers: [(name: String, sql: String)] = []
        for (operation, row) in [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")] {
            let when = table.covered(row).map { " WHEN " + $0 } ?? ""
            triggers.append((
                name: "evidence_\(table.name)_\(operation)",
                sql: """
                    CREATE TRIGGER evidence_\(table.name)_\(operation) AFTER \(operation.uppercased()) ON \(table.name)\(when)
                    BEGIN
                        \(appendEntry(kind: "'\(table.name)'", key: table.key(row), operation: "'\(operation)'", rowBytes: table.rowBytes(row)));
                    END;
                    """))
        }
        if table.name == "incident_calls", let events = firstChainedTables.first(where: { $0.name == "call_events" }) {
            // A call's events stored before it was linked are chained when the link is made (through
            // the `call_events_by_call_id` index, or the `(source, call_id)` one with every source
            // named): the first directly, any further ones through the queue, in id order.
            let calls = """
                FROM call_events AS e
                                WHERE e.source IN ('asterisk-csv', 'freeswitch-csv', 'jsonl', 'sip', 'decision') AND e.call_id = NEW.call_id
                                ORDER BY e.id
                """
            triggers.append((
                name: "evidence_incident_calls_link_events",
                sql: """
                    CREATE TRIGGER evidence_incident_calls_link_events AFTER INSERT ON incident_calls
                    WHEN NOT EXISTS (SELECT 1 FROM incident_calls WHERE call_id = NEW.call_id AND incident_id <> NEW.incident_id)
                    BEGIN
                        INSERT INTO evidence_entries (seq, kind, row_key, operation, hashes)
                        SELECT seq, 'call_events', k, 'insert', \(EvidenceChainFunctions.chainEntryName)(previous, seq, 'call_events', k, 'insert', h)
                        FROM (SELECT \(nextSeq) AS seq, \(previousHash) AS previous,
                                     \(events.key("e")) AS k, \(events.rowBytes("e")) AS h
                              \(calls) LIMIT 1)
                        LIMIT 1;
                        INSERT INTO evidence_chain_queue (kind, row_key, operation, row_hashes)
                        SELECT 'call_events', \(events.key("e")), 'insert', \(events.rowBytes("e"))
                        \(calls) LIMIT -1 OFFSET 1;
                    END;
                    """))
        }
        return triggers
    }
}
