import GRDB

/// One table whose rows the evidence chain covers: how a row is named in the chain and what of it
/// is hashed.
///
/// A value of this type is part of a shipped migration once used there: never change one; a new
/// column or table is a new migration with a new spec (added to ``StoreSchema/chainedTables``).
struct ChainedTable: Sendable {
    /// The table (also the `kind` of its chain entries).
    var name: String
    /// SQL naming one row, over the row's columns (`id`); `NEW.`/`OLD.` are put in front of each
    /// column in ``keyColumns`` inside triggers.
    var keyExpression: String
    /// The columns ``keyExpression`` reads.
    var keyColumns: [String]
    /// Every column hashed, in order (the row's canonical serialisation is the values' type tag,
    /// length and bytes, one after the other: types kept, text in full, NUL included; see
    /// ``EvidenceChainFunctions/rowHashes(_:)``).
    var columns: [String]
    /// SQL over the row's columns that says whether a row is covered (nil: every row); the calls
    /// only while linked to an incident.
    var coveredWhen: String?

    /// `callwarden_chain_row(p.a, p.b, ...)` for the row `p` (`NEW`, `OLD`, or empty for a plain
    /// `SELECT`): the row's content hash and column digests in one call, as hex text (the first
    /// entry format, `evidence_chain`).
    func rowHashes(_ prefix: String) -> String {
        EvidenceChainFunctions.chainRowName + "(" + columns.map { qualified($0, prefix) }.joined(separator: ", ") + ")"
    }

    /// `callwarden_chain_row_bytes(p.a, p.b, ...)` for the row `p`: the same hashes as
    /// ``rowHashes(_:)`` as one blob (the compact entry format, `evidence_entries`).
    func rowBytes(_ prefix: String) -> String {
        EvidenceChainFunctions.chainRowBytesName + "(" + columns.map { qualified($0, prefix) }.joined(separator: ", ") + ")"
    }

    /// ``keyExpression`` for the row `prefix`.
    func key(_ prefix: String) -> String {
        substituting(keyExpression, prefix)
    }

    /// ``coveredWhen`` for the row `prefix`, or nil.
    func covered(_ prefix: String) -> String? {
        coveredWhen.map { substituting($0, prefix) }
    }

    private func qualified(_ column: String, _ prefix: String) -> String {
        prefix.isEmpty ? column : prefix + "." + column
    }

    private func substituting(_ expression: String, _ prefix: String) -> String {
        expression.replacingDollars(with: prefix.isEmpty ? "" : prefix + ".")
    }
}

extension String {
    /// The text with every `$` replaced by `replacement`.
    fileprivate func replacingDollars(with replacement: String) -> String {
        split(separator: "$", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension StoreSchema {
    /// The name of the migration that adds the evidence chain.
    static let evidenceChainMigration = "evidence-1-chain"

    /// Every table the evidence chain covers, with the spec its triggers were made from.
    ///
    /// The history of rules and escalation resets joined in migration `evidence-3-rule-history`
    /// (``ruleCorrectionChains``), the incidents themselves and the MCID withdrawals in migration
    /// `evidence-4-incidents-withdrawals` (``incidentChains``).
    /// Hook for later tables (the witnesses of a call): a migration of their
    /// own that calls ``createChainTriggers(_:_:)`` for their spec and backfills with
    /// ``chainExistingRows(_:_:)``, and their spec appended here so that `evidence verify` checks
    /// them. A chained table that gains a column: its spec here changes, and the same migration
    /// drops the table's three triggers, creates them from the new spec and calls
    /// ``chainExistingRows(_:_:)`` again, so that every row's latest entry hashes the new column
    /// list (older entries keep the old form; only the latest is compared with the row).
    static let chainedTables: [ChainedTable] = firstChainedTables + ruleCorrectionChains + incidentChains

    /// The tables migration `evidence-1-chain` chains (its triggers were made from these specs).
    static let firstChainedTables: [ChainedTable] = [
        ChainedTable(
            name: "call_events", keyExpression: "$id", keyColumns: ["id"],
            columns: [
                "id", "time", "call_id", "source", "phase", "disposition", "call_start", "duration_us", "talk_time_us",
                "caller_raw", "caller_e164", "caller_extension", "caller_name", "asserted_identity",
                "presentation_restricted", "callee_raw", "callee_key", "counted_time", "counted_identity",
                "decision_action", "decision_target", "decision_rule", "decision_reason",
            ],
            coveredWhen: "EXISTS (SELECT 1 FROM incident_calls WHERE incident_calls.call_id = $call_id)"),
        ChainedTable(
            name: "incident_calls", keyExpression: "$incident_id || '/' || callwarden_sha256(json_quote($call_id))",
            keyColumns: ["incident_id", "call_id"], columns: ["incident_id", "call_id", "linked_at"], coveredWhen: nil),
        ChainedTable(
            name: "detections", keyExpression: "$id", keyColumns: ["id"],
            columns: [
                "id", "episode_key", "kind", "caller", "callers", "target", "calls", "first_time", "last_time", "action",
                "action_expires", "offence", "call_ids", "incident_id",
            ],
            coveredWhen: nil),
        ChainedTable(
            name: "incident_log", keyExpression: "$id", keyColumns: ["id"],
            columns: ["id", "incident_id", "time", "actor", "action", "note"], coveredWhen: nil),
        ChainedTable(
            name: "mcid_flags", keyExpression: "$id", keyColumns: ["id"],
            columns: [
                "id", "incident_id", "kind", "call_id", "flagged_at", "flagged_by", "note", "source_address",
                "sip_headers", "call_source", "call_start", "disposition", "duration_us", "talk_time_us", "caller_raw",
                "caller_e164", "caller_extension", "caller_name", "asserted_identity", "presentation_restricted",
                "callee_raw", "callee_key",
            ],
            coveredWhen: nil),
        ChainedTable(
            name: "recordings", keyExpression: "$id", keyColumns: ["id"],
            columns: ["id", "call_id", "location", "origin", "size", "sha256", "recorded_at", "linked_at", "linked_by"],
            coveredWhen: nil),
        ChainedTable(
            name: "rules", keyExpression: "$id", keyColumns: ["id"],
            columns: [
                "id", "match_kind", "match_value", "scope", "action", "redirect_target", "reason", "created_by",
                "created_at", "expires_at", "origin", "schedule",
            ],
            coveredWhen: nil),
        ChainedTable(
            name: "audit_log", keyExpression: "$id", keyColumns: ["id"],
            columns: ["id", "time", "actor", "action", "subject", "detail"], coveredWhen: nil),
    ]

    /// The evidence chain: an append-only hash chain over every row an incident rests on.
    ///
    /// Rows reach it only through triggers, in the transaction that writes the row, so no writer
    /// (the ingest loop, the incident ledger's plans, the CLI, a later module) can store evidence
    /// without its entry, and a `kill -9` cannot split the two. A row's trigger appends its entry
    /// (`callwarden_chain_row`: content hash and column digests in one call over the column values;
    /// the entry's hash covers the one before). A write that chains many rows in one statement (a
    /// call's earlier events when it is linked, the rows chained here) puts them into
    /// `evidence_chain_queue` instead, whose own trigger appends each row's entry in turn and
    /// empties the queue. The hashes come from `callwarden_chain_row` and `callwarden_sha256`,
    /// SQL functions that only the store's connections register: a write to a covered table from
    /// outside (the `sqlite3` shell) fails, and one made with the triggers dropped or switched off
    /// is found by `evidence verify`. Rows already stored are chained at the end, table by table.
    ///
    /// Deliberately not handled: a rewrite of the whole chain by someone holding the database and
    /// the functions (the chain head goes into every signed evidence bundle, which fixes what came
    /// before it). The incidents table itself was left out here and joined the chain in migration
    /// `evidence-4-incidents-withdrawals` (``incidentsChain``).
    static func evidenceChain(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE evidence_chain (
                    seq INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    row_key TEXT NOT NULL,
                    operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
                    content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
                    column_digests TEXT NOT NULL,
                    entry_sha256 TEXT NOT NULL CHECK (length(entry_sha256) = 64)
                );
                CREATE INDEX evidence_chain_by_row ON evidence_chain (kind, row_key, seq);

                CREATE TABLE evidence_chain_queue (
                    kind TEXT NOT NULL,
                    row_key TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    row_hashes TEXT NOT NULL
                );

                CREATE TRIGGER evidence_chain_no_update BEFORE UPDATE ON evidence_chain
                BEGIN SELECT RAISE(ABORT, 'evidence_chain is append-only'); END;
                CREATE TRIGGER evidence_chain_no_delete BEFORE DELETE ON evidence_chain
                BEGIN SELECT RAISE(ABORT, 'evidence_chain is append-only'); END;
                """)
        try db.execute(sql: legacyChainAppendTrigger.sql)
        for table in firstChainedTables {
            try createLegacyChainTriggers(table, db)
            try chainExistingRowsLegacy(table, db)
        }
    }

    // MARK: The first entry format (migrations evidence-1 to evidence-3), kept as shipped

    /// The queue's trigger as migration `evidence-1-chain` made it (entries into `evidence_chain`).
    static let legacyChainAppendTrigger = (
        name: "evidence_chain_append", table: "evidence_chain_queue",
        sql: """
                CREATE TRIGGER evidence_chain_append AFTER INSERT ON evidence_chain_queue
                BEGIN
                    \(legacyAppendEntry(kind: "NEW.kind", key: "NEW.row_key", operation: "NEW.operation", hashes: "NEW.row_hashes"));
                    DELETE FROM evidence_chain_queue WHERE rowid = NEW.rowid;
                END;
            """)

    /// The `INSERT` that appends one first-format entry after the last one: `hashes` is SQL giving
    /// what `callwarden_chain_row` returns (content hash, space, column digests), evaluated once —
    /// the inner `SELECT` has a `LIMIT` like the outer one, so SQLite cannot flatten it into the
    /// outer one (which would repeat the call for each use of `h`).
    static func legacyAppendEntry(kind: String, key: String, operation: String, hashes: String) -> String {
        """
        INSERT INTO evidence_chain (seq, kind, row_key, operation, content_sha256, column_digests, entry_sha256)
                    SELECT seq, kind, row_key, operation, substr(h, 1, 64), substr(h, 66),
                           callwarden_sha256(previous || char(10) || seq || char(10) || kind || char(10)
                               || row_key || char(10) || operation || char(10) || substr(h, 1, 64) || char(10) || substr(h, 66))
                    FROM (SELECT coalesce((SELECT max(seq) FROM evidence_chain), 0) + 1 AS seq,
                                 coalesce((SELECT entry_sha256 FROM evidence_chain ORDER BY seq DESC LIMIT 1), '') AS previous,
                                 \(kind) AS kind, \(key) AS row_key, \(operation) AS operation, \(hashes) AS h
                          LIMIT 1)
                    LIMIT 1
        """
    }

    /// The first-format triggers of `table` as migrations `evidence-1-chain` and
    /// `evidence-3-rule-history` made them.
    static func createLegacyChainTriggers(_ table: ChainedTable, _ db: Database) throws {
        for trigger in legacyChainTriggers(table) {
            try db.execute(sql: trigger.sql)
        }
    }

    /// The first-format triggers that chain `table`: name and `CREATE TRIGGER` statement.
    static func legacyChainTriggers(_ table: ChainedTable) -> [(name: String, sql: String)] {
        var triggers: [(name: String, sql: String)] = []
        for (operation, row) in [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")] {
            let when = table.covered(row).map { " WHEN " + $0 } ?? ""
            triggers.append((
                name: "evidence_\(table.name)_\(operation)",
                sql: """
                    CREATE TRIGGER evidence_\(table.name)_\(operation) AFTER \(operation.uppercased()) ON \(table.name)\(when)
                    BEGIN
                        \(legacyAppendEntry(kind: "'\(table.name)'", key: table.key(row), operation: "'\(operation)'", hashes: table.rowHashes(row)));
                    END;
                    """))
        }
        if table.name == "incident_calls", let events = firstChainedTables.first(where: { $0.name == "call_events" }) {
            // A call's events stored before it was linked are chained when the link is made. The
            // lookup must use an index (without one, each link scanned the whole table and the
            // kill -9 test's detection-heavy file fell behind): `call_events_by_call_id` (migration
            // witness-call-identity), or the `(source, call_id)` index with every source named.
            triggers.append((
                name: "evidence_incident_calls_link_events",
                sql: """
                    CREATE TRIGGER evidence_incident_calls_link_events AFTER INSERT ON incident_calls
                    WHEN NOT EXISTS (SELECT 1 FROM incident_calls WHERE call_id = NEW.call_id AND incident_id <> NEW.incident_id)
                    BEGIN
                        INSERT INTO evidence_chain_queue (kind, row_key, operation, row_hashes)
                        SELECT 'call_events', \(events.key("")), 'insert', \(events.rowHashes(""))
                        FROM call_events
                        WHERE source IN ('asterisk-csv', 'freeswitch-csv', 'jsonl', 'sip', 'decision') AND call_id = NEW.call_id
                        ORDER BY id;
                    END;
                    """))
        }
        return triggers
    }

    /// Chains the covered rows `table` already holds, in key order, in the first format.
    static func chainExistingRowsLegacy(_ table: ChainedTable, _ db: Database) throws {
        let covered = table.covered(table.name).map { " WHERE " + $0 } ?? ""
        try db.execute(
            sql: """
                INSERT INTO evidence_chain_queue (kind, row_key, operation, row_hashes)
                SELECT '\(table.name)', \(table.key(table.name)), 'insert', \(table.rowHashes(table.name))
                FROM \(table.name)\(covered) ORDER BY \(table.keyColumns.map { table.name + "." + $0 }.joined(separator: ", "));
                """)
    }

    // MARK: Format-independent helpers for migrations that chain a table

    /// Insert, update and delete triggers that chain `table`'s covered rows, in the format of the
    /// store being migrated: the compact format once migration `evidence-5-compact-entries` has made
    /// `evidence_entries`, the first format before it (so a migration registered before that one
    /// produces what it produced, and one registered after it writes compact entries).
    static func createChainTriggers(_ table: ChainedTable, _ db: Database) throws {
        if try db.tableExists(compactEntriesTable) {
            for trigger in chainTriggers(table) { try db.execute(sql: trigger.sql) }
        } else {
            try createLegacyChainTriggers(table, db)
        }
    }

    /// Chains the covered rows `table` already holds, in key order, in the format of the store being
    /// migrated (see ``createChainTriggers(_:_:)``).
    static func chainExistingRows(_ table: ChainedTable, _ db: Database) throws {
        if try db.tableExists(compactEntriesTable) {
            let covered = table.covered(table.name).map { " WHERE " + $0 } ?? ""
            try db.execute(
                sql: """
                    INSERT INTO evidence_chain_queue (kind, row_key, operation, row_hashes)
                    SELECT '\(table.name)', \(table.key(table.name)), 'insert', \(table.rowBytes(table.name))
                    FROM \(table.name)\(covered) ORDER BY \(table.keyColumns.map { table.name + "." + $0 }.joined(separator: ", "));
                    """)
        } else {
            try chainExistingRowsLegacy(table, db)
        }
    }
}
