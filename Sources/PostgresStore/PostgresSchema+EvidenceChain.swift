extension PostgresSchema {
    /// The tables the evidence chain covers on PostgreSQL, each with how its rows are keyed in
    /// the chain (the trigger's argument): `id`, `flag_id`, or `link` (`<incident id>/<hex SHA-256 of
    /// the call id>`, as SQLite keys links). `call_events` is chained only while its call is linked
    /// to an incident (see ``evidenceChain``).
    static let chainedTables: [(table: String, key: String)] = [
        ("incidents", "id"), ("incident_calls", "link"), ("incident_log", "id"), ("detections", "id"),
        ("mcid_flags", "id"), ("mcid_withdrawals", "flag_id"), ("rules", "id"), ("rule_history", "id"),
        ("escalation_resets", "id"), ("audit_log", "id"), ("recordings", "id"),
    ]

    /// The triggers the chain needs, by name (``PostgresStore/verifyEvidenceChain(limit:)`` checks
    /// that each exists and is enabled).
    static var chainTriggers: [String] {
        chainedTables.map { "\($0.table)_chain" } + ["call_events_chain_inserted", "call_events_chain_changed", "incident_calls_chain_calls"]
    }

    /// `pg-11-evidence-chain`: the evidence chain on the shared store, the same idea as SQLite's
    /// (an append-only hash chain over every row an incident rests on, written by triggers in the
    /// transaction that writes the row) in PostgreSQL's own terms:
    ///
    /// - `evidence_entries` (`seq`, table, row key, `insert`/`update`/`delete`, the SHA-256 of the
    ///   row as `row_to_json` renders it, and the entry's hash) and `evidence_head`, one row with the
    ///   last `seq` and hash. An entry's hash is `sha256(previous hash || int8send(seq) ||
    ///   table \n key \n op || row digest)`; the first entry's previous hash is 32 zero bytes.
    /// - `callwarden_chain_append` locks the head row (`FOR UPDATE`), so the transactions of several
    ///   nodes append one after another, in commit order, and a rolled-back write leaves no entry.
    ///   Only writes of evidence take that lock: a node's plain call events are not chained until
    ///   their call is linked to an incident (the link's trigger chains the call's events then; an
    ///   event of a linked call stored later is chained by a statement trigger on `call_events`).
    /// - Rows that exist when the migration runs are chained in key order, table by table.
    ///
    /// Deliberately not handled: which column of a row changed (the digest is over the whole row;
    /// SQLite keeps per-column digests), and telling a purge by retention from any other delete made
    /// through SQL (both are `delete` entries; the retention purge's audit entry says what it removed).
    static let evidenceChain = """
        CREATE TABLE evidence_entries (
            seq BIGINT NOT NULL PRIMARY KEY,
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
            row_digest BYTEA CHECK ((op = 'delete') = (row_digest IS NULL)),
            hash BYTEA NOT NULL
        );
        CREATE INDEX evidence_entries_by_row ON evidence_entries (table_name, row_key, seq);
        CREATE TABLE evidence_head (
            only_row BOOLEAN NOT NULL PRIMARY KEY DEFAULT TRUE CHECK (only_row),
            seq BIGINT NOT NULL,
            hash BYTEA NOT NULL
        );
        INSERT INTO evidence_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

        CREATE FUNCTION callwarden_row_digest(row_json JSON) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
            SELECT sha256(convert_to(row_json::text, 'UTF8'))
        $$;

        CREATE FUNCTION callwarden_chain_key(key_kind TEXT, row_json JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE key_kind
                WHEN 'link' THEN (row_json ->> 'incident_id') || '/'
                    || encode(sha256(decode(substr(row_json ->> 'call_id', 3), 'hex')), 'hex')
                ELSE row_json ->> key_kind
            END
        $$;

        CREATE FUNCTION callwarden_chain_append(t TEXT, k TEXT, o TEXT, d BYTEA) RETURNS VOID LANGUAGE plpgsql AS $$
        DECLARE
            head evidence_head%ROWTYPE;
            next_hash BYTEA;
        BEGIN
            SELECT * INTO head FROM evidence_head FOR UPDATE;
            next_hash := sha256(head.hash || int8send(head.seq + 1) || convert_to(t || E'\\n' || k || E'\\n' || o, 'UTF8')
                                || coalesce(d, ''::bytea));
            INSERT INTO evidence_entries (seq, table_name, row_key, op, row_digest, hash)
            VALUES (head.seq + 1, t, k, o, d, next_hash);
            UPDATE evidence_head SET seq = head.seq + 1, hash = next_hash;
        END
        $$;

        CREATE FUNCTION callwarden_chain_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM callwarden_chain_append(TG_TABLE_NAME, callwarden_chain_key(TG_ARGV[0], to_jsonb(OLD)), 'delete', NULL);
            ELSE
                PERFORM callwarden_chain_append(
                    TG_TABLE_NAME, callwarden_chain_key(TG_ARGV[0], to_jsonb(NEW)), lower(TG_OP), callwarden_row_digest(row_to_json(NEW)));
            END IF;
            RETURN NULL;
        END
        $$;

        CREATE TRIGGER incidents_chain AFTER INSERT OR UPDATE OR DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER incident_calls_chain AFTER INSERT OR UPDATE OR DELETE ON incident_calls FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('link');
        CREATE TRIGGER incident_log_chain AFTER INSERT OR UPDATE OR DELETE ON incident_log FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER detections_chain AFTER INSERT OR UPDATE OR DELETE ON detections FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER mcid_flags_chain AFTER INSERT OR UPDATE OR DELETE ON mcid_flags FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER mcid_withdrawals_chain AFTER INSERT OR UPDATE OR DELETE ON mcid_withdrawals FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('flag_id');
        CREATE TRIGGER rules_chain AFTER INSERT OR UPDATE OR DELETE ON rules FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER rule_history_chain AFTER INSERT OR UPDATE OR DELETE ON rule_history FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER escalation_resets_chain AFTER INSERT OR UPDATE OR DELETE ON escalation_resets FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        CREATE TRIGGER audit_log_chain AFTER INSERT OR UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');

        -- A call's events are evidence once the call is linked to an incident.
        CREATE FUNCTION callwarden_chain_linked_calls() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            event RECORD;
        BEGIN
            FOR event IN
                SELECT * FROM call_events AS e WHERE e.call_id = NEW.call_id
                  AND NOT EXISTS (SELECT 1 FROM evidence_entries AS c WHERE c.table_name = 'call_events' AND c.row_key = e.id::text)
                ORDER BY e.id
            LOOP
                PERFORM callwarden_chain_append('call_events', event.id::text, 'insert', callwarden_row_digest(row_to_json(event)));
            END LOOP;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER incident_calls_chain_calls AFTER INSERT ON incident_calls FOR EACH ROW EXECUTE FUNCTION callwarden_chain_linked_calls();

        CREATE FUNCTION callwarden_chain_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            event RECORD;
        BEGIN
            FOR event IN
                SELECT * FROM inserted AS e WHERE EXISTS (SELECT 1 FROM incident_calls AS l WHERE l.call_id = e.call_id) ORDER BY e.id
            LOOP
                PERFORM callwarden_chain_append('call_events', event.id::text, 'insert', callwarden_row_digest(row_to_json(event)));
            END LOOP;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER call_events_chain_inserted AFTER INSERT ON call_events
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION callwarden_chain_inserted_events();

        CREATE FUNCTION callwarden_chain_changed_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM evidence_entries WHERE table_name = 'call_events' AND row_key = OLD.id::text) THEN
                IF TG_OP = 'DELETE' THEN
                    PERFORM callwarden_chain_append('call_events', OLD.id::text, 'delete', NULL);
                ELSE
                    PERFORM callwarden_chain_append('call_events', NEW.id::text, 'update', callwarden_row_digest(row_to_json(NEW)));
                END IF;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER call_events_chain_changed AFTER UPDATE OR DELETE ON call_events FOR EACH ROW EXECUTE FUNCTION callwarden_chain_changed_event();

        -- What is stored already, in key order, table by table.
        DO $$
        DECLARE
            r RECORD;
        BEGIN
            FOR r IN SELECT * FROM incidents ORDER BY id LOOP PERFORM callwarden_chain_append('incidents', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT * FROM incident_calls ORDER BY incident_id, call_id LOOP
                PERFORM callwarden_chain_append('incident_calls', callwarden_chain_key('link', to_jsonb(r)), 'insert', callwarden_row_digest(row_to_json(r)));
            END LOOP;
            FOR r IN SELECT * FROM incident_log ORDER BY id LOOP PERFORM callwarden_chain_append('incident_log', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT * FROM detections ORDER BY id LOOP PERFORM callwarden_chain_append('detections', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT * FROM mcid_flags ORDER BY id LOOP PERFORM callwarden_chain_append('mcid_flags', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT * FROM mcid_withdrawals ORDER BY flag_id LOOP
                PERFORM callwarden_chain_append('mcid_withdrawals', r.flag_id::text, 'insert', callwarden_row_digest(row_to_json(r)));
            END LOOP;
            FOR r IN SELECT * FROM rules ORDER BY id LOOP PERFORM callwarden_chain_append('rules', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT * FROM rule_history ORDER BY id LOOP PERFORM callwarden_chain_append('rule_history', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT * FROM escalation_resets ORDER BY id LOOP
                PERFORM callwarden_chain_append('escalation_resets', r.id::text, 'insert', callwarden_row_digest(row_to_json(r)));
            END LOOP;
            FOR r IN SELECT * FROM audit_log ORDER BY id LOOP PERFORM callwarden_chain_append('audit_log', r.id::text, 'insert', callwarden_row_digest(row_to_json(r))); END LOOP;
            FOR r IN SELECT e.* FROM call_events AS e WHERE EXISTS (SELECT 1 FROM incident_calls AS l WHERE l.call_id = e.call_id) ORDER BY e.id LOOP
                PERFORM callwarden_chain_append('call_events', r.id::text, 'insert', callwarden_row_digest(row_to_json(r)));
            END LOOP;
        END
        $$;
        """

    /// `pg-12-chain-recordings`: recording links (`pg-9-recordings-timeline`) join the chain, as in
    /// SQLite; the links stored before are chained in id order.
    static let chainRecordings = """
        CREATE TRIGGER recordings_chain AFTER INSERT OR UPDATE OR DELETE ON recordings FOR EACH ROW EXECUTE FUNCTION callwarden_chain_row('id');
        DO $$
        DECLARE
            r RECORD;
        BEGIN
            FOR r IN SELECT * FROM recordings ORDER BY id LOOP
                PERFORM callwarden_chain_append('recordings', r.id::text, 'insert', callwarden_row_digest(row_to_json(r)));
            END LOOP;
        END
        $$;
        """
}
