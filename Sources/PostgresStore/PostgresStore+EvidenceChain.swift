package import Incidents
import NIOCore
import PostgresNIO

// MARK: - The evidence chain on the shared store (migration `pg-11-evidence-chain`)

extension PostgresStore {
    /// Checks the evidence chain on one snapshot (`REPEATABLE READ`), as `SQLiteStore` does: every
    /// entry's hash follows from the one before and the head names the last; every row of a chained
    /// table (a call's events while the call is linked to an incident) is what its latest entry
    /// hashed, no row is missing from the chain, none the chain deleted is back; every chaining
    /// trigger exists and is enabled. At most `limit` findings.
    ///
    /// Deliberately not handled: which column of a changed row differs (the digest is over the
    /// whole row: the finding names the row).
    package func verifyEvidenceChain(limit: Int = 100) throws -> EvidenceChainReport {
        try session.transaction(timeout: nil) { transaction in
            try transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            var findings: [EvidenceChainFinding] = []
            func room() -> Int64 { Int64(max(limit - findings.count, 0)) }
            for row in try transaction.rows(
                """
                SELECT seq FROM (
                    SELECT seq, hash, row_number() OVER (ORDER BY seq) AS n,
                        sha256(coalesce(lag(hash) OVER (ORDER BY seq), decode(repeat('00', 32), 'hex')) || int8send(seq)
                               || convert_to(table_name || E'\\n' || row_key || E'\\n' || op, 'UTF8')
                               || coalesce(row_digest, ''::bytea)) AS expected
                    FROM evidence_entries) AS e
                WHERE expected <> hash OR seq <> n ORDER BY seq LIMIT \(room())
                """)
            {
                let seq = try row.decode(Int64.self)
                findings.append(EvidenceChainFinding(table: "evidence_entries", row: "\(seq)", entry: seq, problem: .entryBroken))
            }
            guard let headRow = try transaction.rows(
                """
                SELECT (SELECT count(*) FROM evidence_entries),
                       coalesce((SELECT max(seq) FROM evidence_entries), 0),
                       (SELECT hash FROM evidence_entries ORDER BY seq DESC LIMIT 1),
                       h.seq, h.hash
                FROM evidence_head AS h
                """
            ).first else { throw PostgresStoreError(code: .invalidData, message: "evidence_head holds no row") }
            let (entries, lastSeq, lastHash, headSeq, headHash) = try headRow.decode((Int64, Int64, ByteBuffer?, Int64, ByteBuffer).self)
            if headSeq != lastSeq || (lastHash.map { $0 != headHash } ?? (headSeq != 0)), findings.count < limit {
                findings.append(EvidenceChainFinding(table: "evidence_head", row: "\(headSeq)", entry: lastSeq, problem: .entryBroken))
            }
            for (table, key) in PostgresSchema.chainedTables + [("call_events", "id")] where findings.count < limit {
                findings += try Self.rowFindings(table: table, key: key, limit: room(), transaction)
            }
            if findings.count < limit {
                let present = Set(
                    try transaction.rows(
                        "SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' AND tgname::text = ANY(\(PostgresSchema.chainTriggers))"
                    ).map { try $0.decode(String.self) })
                for name in PostgresSchema.chainTriggers where !present.contains(name) && findings.count < limit {
                    findings.append(EvidenceChainFinding(table: "pg_trigger", row: name, entry: nil, problem: .triggerMissing(name)))
                }
            }
            let head = lastHash.map(Self.hex)
            return EvidenceChainReport(entries: entries, head: head, findings: findings)
        }
    }

    /// The number of chain entries and the head hash (hex), without checking anything: what an
    /// evidence bundle's `CHAIN.txt` records.
    package func evidenceChainHead() throws -> (entries: Int64, head: String?) {
        guard let row = try session.query("SELECT seq, hash FROM evidence_entries ORDER BY seq DESC LIMIT 1").first else {
            return (0, nil)
        }
        let (seq, hash) = try row.decode((Int64, ByteBuffer).self)
        return (seq, Self.hex(hash))
    }

    static func hex(_ bytes: ByteBuffer) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.readableBytesView.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    /// Rows of `table` that differ from their latest chain entry, are missing from the chain, were
    /// deleted behind its back or came back after their deletion.
    private static func rowFindings(
        table: String, key: String, limit: Int64, _ transaction: PostgresSession.Transaction
    ) throws -> [EvidenceChainFinding] {
        guard limit > 0 else { return [] }
        let covered = table == "call_events" ? "WHERE EXISTS (SELECT 1 FROM incident_calls AS l WHERE l.call_id = t.call_id)" : ""
        let rows = try transaction.rows(
            """
            WITH latest AS (
                SELECT DISTINCT ON (row_key) row_key, seq, op, row_digest FROM evidence_entries
                WHERE table_name = \(table) ORDER BY row_key, seq DESC),
            stored AS (
                SELECT callwarden_chain_key(\(key), to_jsonb(t)) AS row_key, callwarden_row_digest(row_to_json(t)) AS digest
                FROM \(unescaped: table) AS t \(unescaped: covered))
            SELECT coalesce(s.row_key, l.row_key), l.seq,
                CASE WHEN l.row_key IS NULL THEN 'not-chained'
                     WHEN s.row_key IS NULL THEN 'deleted'
                     WHEN l.op = 'delete' THEN 'reappeared'
                     ELSE 'differs' END
            FROM stored AS s FULL OUTER JOIN latest AS l ON l.row_key = s.row_key
            WHERE l.row_key IS NULL OR (s.row_key IS NULL AND l.op <> 'delete') OR (s.row_key IS NOT NULL AND l.op = 'delete')
               OR (s.row_key IS NOT NULL AND l.op <> 'delete' AND s.digest <> l.row_digest)
            ORDER BY 2 NULLS LAST, 1 LIMIT \(limit)
            """)
        return try rows.map { row in
            let (rowKey, seq, problem) = try row.decode((String, Int64?, String).self)
            let kind: EvidenceChainFinding.Problem
            switch problem {
            case "not-chained": kind = .notChained
            case "deleted": kind = .deleted
            case "reappeared": kind = .reappeared
            default: kind = .contentDiffers(columns: [])
            }
            return EvidenceChainFinding(table: table, row: rowKey, entry: seq, problem: kind)
        }
    }
}
