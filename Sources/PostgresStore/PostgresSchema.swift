/// The PostgreSQL store's schema as an append-only list of migrations, recorded by id in
/// `schema_migrations` (what SQLite's `grdb_migrations` is to `SQLiteStore`). A migration that has
/// shipped is never changed; a change is a new migration at the end.
///
/// It follows `StoreSchema` (SQLiteStore) with the mechanical changes listed there: `BIGINT` for
/// times (microseconds since the epoch), ids and counters; identity columns; `BOOLEAN` flags. Text
/// that callers and PBXs control (call ids, caller and callee fields) is `BYTEA`: PostgreSQL's
/// `TEXT` cannot hold a NUL byte, and bad input must not lose good data. Rule ids come from a
/// sequence (never reused, as `rule_ids` guarantees in SQLite).
///
/// What is shared between sites: every table. `tail_checkpoints` is keyed by node as well as by
/// path, since two nodes follow the same path on their own machines; `call_events.node` names the
/// node that stored an event.
///
/// `pg-2-text-whole` makes `BYTEA` of the rest of such text (what a NUL would otherwise make the
/// whole ingest transaction fail on): a detection's episode key and target (the callee's text), a
/// rule's scope (a stalking block is scoped to that target), reason and authors, the same in the
/// history of rules, the audit log's actor, subject and detail (an automatic rule's audit entry
/// names its scope), and a decision's redirect target and reason. Deliberately left `TEXT`:
/// `rules.redirect_target` (the configured crisis line; its `CHECK` compares with text), match
/// values (E.164 numbers and digits) and what only the program writes.
///
/// `pg-4-incidents-outbox` adds incidents (with their log and linked calls), the detection's
/// incident and the alert outbox with each sink's deliveries, as in SQLite (`evidence-2-withheld`
/// included). Two things only PostgreSQL needs: at most one unclosed incident per key (a partial
/// unique index: nodes group into the same incident), and the fence of the lease under which a
/// delivery was recorded (`alert_deliveries.fence`).
///
/// `pg-6-people` adds the people's access tokens and the console's sessions (as SQLite's
/// `v6-access-tokens` and `people-pbx-role-console-sessions`): a token's name, public part and
/// author, and a session's token, are `BYTEA`, whole; only hashes of secrets are stored.
///
/// `pg-7-rule-corrections` adds what reviewing and correcting rules needs (as SQLite's
/// `console2-rule-review` and `house-rule-history`): reviews of automatic blocks, whether a removed
/// rule was a false positive, escalation resets (an insert raises the rules revision and notifies
/// every node, as a rule change does), an incident's outcome, and the index a rule's hits are counted by.
///
/// `pg-8-history-imports` carries a CDR history import's cutoff (`start: beginning`) and keeps the
/// episodes that ended before it as historical (see ``PostgresStore/upsertDetections(_:historyCutoff:_:)``).
///
/// `pg-9-recordings-timeline` adds the recordings linked to calls (as SQLite's `recordings`): call
/// id, location and author `BYTEA`, whole; a location is linked once (a unique index on its SHA-256,
/// since a location may be longer than a B-tree entry can hold), and found by call id through a hash
/// index; and the indexes an incident's timeline reads by (call events by call id alone, a hash
/// index for the same reason; detections by incident).
///
/// `pg-10-mcid` adds MCID flags and their withdrawals; `pg-11-evidence-chain` the evidence chain
/// (``evidenceChain``), `pg-12-chain-recordings` chains the recordings too.
enum PostgresSchema {
    /// Every migration, in order: (id, SQL run in one transaction).
    static let migrations: [(id: String, sql: String)] = [
        ("pg-1", v1), ("pg-2-text-whole", v2TextWhole), ("pg-3-job-leases", jobLeases),
        ("pg-4-incidents-outbox", incidentsAndOutbox), ("pg-5-cross-site-detection", crossSiteDetection),
        ("pg-6-people", people), ("pg-7-rule-corrections", ruleCorrections), ("pg-8-history-imports", historyImports),
        ("pg-9-recordings-timeline", recordingsAndTimeline), ("pg-10-mcid", mcid), ("pg-11-evidence-chain", evidenceChain),
        ("pg-12-chain-recordings", chainRecordings),
    ]

    /// The statements of a migration's SQL, in order: split on `;` outside `$$` bodies, `--`
    /// comment lines left out (the extended query protocol takes one statement at a time).
    static func statements(_ sql: String) -> [String] {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingPrefix(while: { $0 == " " }).hasPrefix("--") }
        var statements: [String] = []
        var current = ""
        var inBody = false
        for piece in lines.joined(separator: "\n").split(separator: "$$", omittingEmptySubsequences: false).enumerated() {
            if piece.offset > 0 {
                current += "$$"
                inBody.toggle()
            }
            if inBody {
                current += piece.element
                continue
            }
            var parts = piece.element.split(separator: ";", omittingEmptySubsequences: false)
            let last = parts.removeLast()
            for part in parts {
                current += part
                let statement = current.trimmingPrefix(while: \.isWhitespace)
                if !statement.isEmpty { statements.append(String(statement)) }
                current = ""
            }
            current += last
        }
        let rest = current.trimmingPrefix(while: \.isWhitespace)
        if !rest.isEmpty { statements.append(String(rest)) }
        return statements
    }

    /// The advisory lock key two nodes starting at once take around migrating (`pg_advisory_xact_lock`).
    static let migrationLock: Int64 = 0x4357_4d49_4752  // "CWMIGR"

    /// Channel of the rule notifications (`NOTIFY callwarden_rules, '<revision>'`).
    static let rulesChannel = "callwarden_rules"

    private static let v1 = """
        CREATE TABLE call_events (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            node TEXT NOT NULL,
            time BIGINT NOT NULL,
            call_id BYTEA NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('asterisk-csv', 'freeswitch-csv', 'jsonl', 'sip', 'decision')),
            phase TEXT NOT NULL CHECK (phase IN ('started', 'ringing', 'answered', 'ended', 'failed', 'cancelled')),
            disposition TEXT CHECK (disposition IN (
                'answered', 'no-answer', 'busy', 'failed', 'congestion', 'cancelled', 'rejected', 'unknown')),
            call_start BIGINT,
            duration_us BIGINT,
            talk_time_us BIGINT,
            caller_raw BYTEA NOT NULL,
            caller_e164 TEXT,
            caller_extension BYTEA,
            caller_name BYTEA,
            asserted_identity TEXT,
            presentation_restricted BOOLEAN NOT NULL,
            callee_raw BYTEA NOT NULL,
            callee_key BYTEA NOT NULL,
            counted_time BIGINT NOT NULL,
            counted_identity TEXT,
            decision_action TEXT CHECK (decision_action IN ('allow', 'block', 'redirect', 'flag')),
            decision_target TEXT,
            decision_rule BIGINT,
            decision_reason TEXT
        );
        CREATE INDEX call_events_by_call ON call_events (source, call_id);
        CREATE INDEX call_events_by_counted_time ON call_events (counted_time);

        CREATE TABLE pushed_event_keys (
            source TEXT NOT NULL,
            call_id BYTEA NOT NULL,
            phase TEXT NOT NULL,
            time BIGINT NOT NULL,
            stored_at BIGINT NOT NULL,
            PRIMARY KEY (source, call_id, phase, time)
        );

        CREATE TABLE detections (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            episode_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('repeat-caller', 'stalking', 'anonymous', 'number-hopping')),
            caller TEXT,
            callers TEXT NOT NULL,
            target TEXT NOT NULL,
            calls BIGINT NOT NULL CHECK (calls >= 0),
            first_time BIGINT NOT NULL,
            last_time BIGINT NOT NULL CHECK (last_time >= first_time),
            action TEXT NOT NULL CHECK (action IN ('watch', 'alert', 'review', 'block', 'redirect')),
            action_expires BIGINT,
            offence BIGINT NOT NULL CHECK (offence >= 1),
            call_ids TEXT NOT NULL
        );
        CREATE INDEX detections_by_last_time ON detections (last_time);

        CREATE SEQUENCE rule_ids;
        CREATE TABLE rules (
            id BIGINT PRIMARY KEY DEFAULT nextval('rule_ids'),
            match_kind TEXT NOT NULL CHECK (match_kind IN ('number', 'prefix', 'unidentified')),
            match_value TEXT,
            scope TEXT,
            action TEXT NOT NULL CHECK (action IN ('allow', 'block', 'redirect', 'flag')),
            redirect_target TEXT,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            origin TEXT NOT NULL CHECK (origin IN ('manual', 'detection')),
            schedule TEXT CHECK (schedule IS NULL OR schedule <> ''),
            CHECK ((match_kind = 'unidentified' AND match_value IS NULL)
                OR (match_kind <> 'unidentified' AND match_value IS NOT NULL)),
            CHECK ((action = 'redirect' AND redirect_target IS NOT NULL AND redirect_target <> '')
                OR (action <> 'redirect' AND redirect_target IS NULL))
        );
        CREATE TABLE rule_history (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            rule_id BIGINT NOT NULL,
            match_kind TEXT NOT NULL,
            match_value TEXT,
            scope TEXT,
            action TEXT NOT NULL,
            redirect_target TEXT,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            origin TEXT NOT NULL,
            schedule TEXT,
            removed_by TEXT NOT NULL,
            removed_at BIGINT NOT NULL,
            removal_reason TEXT NOT NULL
        );

        -- One row whose value every change of a rule raises in its own transaction, and a
        -- notification on the rules channel that PostgreSQL delivers when that transaction commits:
        -- every node listening wakes and re-reads the rules from the table.
        CREATE TABLE rules_revision (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);
        INSERT INTO rules_revision (id, value) VALUES (1, 0);
        CREATE FUNCTION callwarden_rules_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE revision BIGINT;
        BEGIN
            UPDATE rules_revision SET value = value + 1 WHERE id = 1 RETURNING value INTO revision;
            PERFORM pg_notify('callwarden_rules', revision::text);
            RETURN NULL;
        END $$;
        CREATE TRIGGER rules_changed AFTER INSERT OR UPDATE OR DELETE ON rules
            FOR EACH STATEMENT EXECUTE FUNCTION callwarden_rules_changed();

        CREATE TABLE audit_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time BIGINT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE INDEX audit_log_by_time ON audit_log (time);

        CREATE TABLE tail_checkpoints (
            node TEXT NOT NULL,
            path TEXT NOT NULL,
            device BIGINT NOT NULL,
            inode BIGINT NOT NULL,
            byte_offset BIGINT NOT NULL CHECK (byte_offset >= 0),
            line_number BIGINT NOT NULL CHECK (line_number >= 0),
            head_hash BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (node, path)
        );

        CREATE TABLE ingest_counters (name TEXT NOT NULL PRIMARY KEY, value BIGINT NOT NULL);
        """

    /// Text from callers, PBXs, clients and people as `BYTEA` (see the type's comment); stored text
    /// becomes its UTF-8 bytes.
    private static let v2TextWhole = """
        ALTER TABLE detections
            ALTER COLUMN episode_key TYPE BYTEA USING convert_to(episode_key, 'UTF8'),
            ALTER COLUMN target TYPE BYTEA USING convert_to(target, 'UTF8');
        ALTER TABLE rules
            ALTER COLUMN scope TYPE BYTEA USING convert_to(scope, 'UTF8'),
            ALTER COLUMN reason TYPE BYTEA USING convert_to(reason, 'UTF8'),
            ALTER COLUMN created_by TYPE BYTEA USING convert_to(created_by, 'UTF8');
        ALTER TABLE rule_history
            ALTER COLUMN scope TYPE BYTEA USING convert_to(scope, 'UTF8'),
            ALTER COLUMN reason TYPE BYTEA USING convert_to(reason, 'UTF8'),
            ALTER COLUMN created_by TYPE BYTEA USING convert_to(created_by, 'UTF8'),
            ALTER COLUMN removed_by TYPE BYTEA USING convert_to(removed_by, 'UTF8'),
            ALTER COLUMN removal_reason TYPE BYTEA USING convert_to(removal_reason, 'UTF8');
        ALTER TABLE audit_log
            ALTER COLUMN actor TYPE BYTEA USING convert_to(actor, 'UTF8'),
            ALTER COLUMN subject TYPE BYTEA USING convert_to(subject, 'UTF8'),
            ALTER COLUMN detail TYPE BYTEA USING convert_to(detail, 'UTF8');
        ALTER TABLE call_events
            ALTER COLUMN decision_target TYPE BYTEA USING convert_to(decision_target, 'UTF8'),
            ALTER COLUMN decision_reason TYPE BYTEA USING convert_to(decision_reason, 'UTF8');
        """

    /// Leases for the jobs that must run on one node at a time (``PostgresJobLease``). `fence` goes
    /// up every time the lease changes hands (or is taken again after it lapsed), so a write made
    /// under an old lease can be refused by comparing fences.
    private static let jobLeases = """
        CREATE TABLE job_leases (
            job TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            fence BIGINT NOT NULL CHECK (fence > 0),
            acquired_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL
        );
        """

    /// Incidents and the alert outbox (``PostgresStore`` executes ``IncidentLedger`` plans as
    /// SQLite does). Text from callers and PBXs (identity, target, call ids, notes, alert texts that
    /// quote them) is `BYTEA`, whole.
    private static let incidentsAndOutbox = """
        CREATE TABLE incidents (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('harassment', 'stalking', 'anonymous', 'number-hopping',
                                               'threat', 'bomb-threat', 'suicide-threat')),
            identity BYTEA NOT NULL,
            target BYTEA NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
            status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'reported', 'closed')),
            opened_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            detection_count BIGINT NOT NULL CHECK (detection_count >= 0),
            alerted_action TEXT CHECK (alerted_action IN ('watch', 'alert', 'review', 'block', 'redirect')),
            last_detection_alert BIGINT,
            suppressed_alerts BIGINT NOT NULL DEFAULT 0 CHECK (suppressed_alerts >= 0),
            withheld BOOLEAN NOT NULL DEFAULT FALSE
        );
        CREATE UNIQUE INDEX incidents_one_unclosed_per_key ON incidents (kind, identity, target) WHERE status <> 'closed';
        CREATE INDEX incidents_by_updated_at ON incidents (updated_at);

        CREATE TABLE incident_calls (
            incident_id BIGINT NOT NULL REFERENCES incidents (id),
            call_id BYTEA NOT NULL,
            linked_at BIGINT NOT NULL,
            PRIMARY KEY (incident_id, call_id)
        );
        CREATE INDEX incident_calls_by_call ON incident_calls (call_id);

        CREATE TABLE incident_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id BIGINT NOT NULL REFERENCES incidents (id),
            time BIGINT NOT NULL,
            actor BYTEA NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('opened', 'acknowledged', 'reported', 'closed', 'note',
                                                   'mcid', 'recording')),
            note BYTEA NOT NULL
        );
        CREATE INDEX incident_log_by_incident ON incident_log (incident_id, id);

        ALTER TABLE detections ADD COLUMN incident_id BIGINT REFERENCES incidents (id);

        CREATE TABLE alert_outbox (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            incident_id BIGINT NOT NULL REFERENCES incidents (id),
            event TEXT NOT NULL CHECK (event IN ('opened', 'escalated', 'updated', 'flagged', 'status-changed', 'resolved')),
            kind TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
            status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'reported', 'closed')),
            identity BYTEA NOT NULL,
            target BYTEA NOT NULL,
            detail BYTEA NOT NULL,
            starts_at BIGINT NOT NULL,
            ends_at BIGINT,
            created_at BIGINT NOT NULL,
            withheld BOOLEAN NOT NULL DEFAULT FALSE,
            node TEXT NOT NULL
        );
        CREATE INDEX alert_outbox_by_incident ON alert_outbox (incident_id, id);
        CREATE INDEX alert_outbox_by_created_at ON alert_outbox (created_at);

        CREATE TABLE alert_deliveries (
            alert_id BIGINT NOT NULL REFERENCES alert_outbox (id) ON DELETE CASCADE,
            sink TEXT NOT NULL,
            attempts BIGINT NOT NULL CHECK (attempts >= 0),
            next_attempt_at BIGINT,
            delivered_at BIGINT,
            last_error TEXT,
            fence BIGINT NOT NULL,
            PRIMARY KEY (alert_id, sink)
        );
        """

    /// Where the cross-site detector has read each node's events to (``PostgresStore/crossSiteEvents(limit:)``):
    /// a node's events are stored by its one ingest writer in id order, so "every id of node N up
    /// to `last_id`" is a complete prefix of what N committed.
    private static let crossSiteDetection = """
        CREATE TABLE detection_cursors (
            node TEXT PRIMARY KEY,
            last_id BIGINT NOT NULL CHECK (last_id >= 0)
        );
        CREATE INDEX call_events_by_node ON call_events (node, id);
        """

    /// The people's API tokens and the console's sessions (``PostgresStore`` as ``AccessTokenStore``
    /// and ``ConsoleSessionStore``). `access_tokens`: one row per token ever made (a revoked one
    /// stays, so its name is never given again), its public part and the SHA-256 of its secret
    /// part, never the token. `console_sessions`: the SHA-256 of a session id (never the cookie's
    /// value), the public part of the token it was opened with, and when it ends.
    private static let people = """
        CREATE TABLE access_tokens (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name BYTEA NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'ops', 'security', 'admin', 'pbx')),
            lookup BYTEA NOT NULL UNIQUE,
            secret_sha256 BYTEA NOT NULL CHECK (octet_length(secret_sha256) = 32),
            created_at BIGINT NOT NULL,
            created_by BYTEA NOT NULL,
            revoked_at BIGINT
        );

        CREATE TABLE console_sessions (
            id_sha256 BYTEA PRIMARY KEY CHECK (octet_length(id_sha256) = 32),
            token_lookup BYTEA NOT NULL,
            opened_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
        """

    /// Reviewing and correcting rules (``PostgresStore`` as ``RuleReviewStore``). `rule_reviews`:
    /// one row per approval of an automatic block (the newest per rule counts; no foreign key: a
    /// removed rule's reviews stay, as its history does). `rule_history` becomes append-only (as in
    /// SQLite) and records false positives. `escalation_resets`: a number whose offences were
    /// forgotten at a time; its insert runs the rules trigger's function, so every node re-reads its
    /// rules and exemptions. `incidents.outcome`: why a closed incident was closed, when known.
    /// People's text (authors, reasons) is `BYTEA`, whole.
    private static let ruleCorrections = """
        CREATE TABLE rule_reviews (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            rule_id BIGINT NOT NULL,
            reviewed_by BYTEA NOT NULL,
            reviewed_at BIGINT NOT NULL,
            reason BYTEA NOT NULL
        );
        CREATE INDEX rule_reviews_by_rule ON rule_reviews (rule_id, id);

        ALTER TABLE rule_history ADD COLUMN false_positive BOOLEAN NOT NULL DEFAULT FALSE;
        CREATE INDEX rule_history_by_rule ON rule_history (rule_id);
        CREATE INDEX rule_history_by_match ON rule_history (match_kind, match_value);
        CREATE INDEX rule_history_by_removal ON rule_history (removed_at);
        CREATE FUNCTION callwarden_rule_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'rule_history is append-only';
        END $$;
        CREATE TRIGGER rule_history_append_only BEFORE UPDATE OR DELETE ON rule_history
            FOR EACH STATEMENT EXECUTE FUNCTION callwarden_rule_history_append_only();

        CREATE TABLE escalation_resets (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            identity TEXT NOT NULL,
            reset_at BIGINT NOT NULL,
            actor BYTEA NOT NULL,
            reason BYTEA NOT NULL
        );
        CREATE INDEX escalation_resets_by_time ON escalation_resets (reset_at);
        CREATE TRIGGER escalation_resets_change_rules AFTER INSERT ON escalation_resets
            FOR EACH STATEMENT EXECUTE FUNCTION callwarden_rules_changed();

        ALTER TABLE incidents ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome <> '');

        CREATE INDEX call_events_by_decision_rule ON call_events (decision_rule) WHERE decision_rule IS NOT NULL;
        """

    /// A CDR file's history import on a site node (`start: beginning`), as `ops-history-cutoff` in
    /// SQLite: the checkpoint carries the import's cutoff and where the history ends (so a restart
    /// mid-import goes on marking it); `history_imports` keeps every node's cutoff for good (the
    /// cross-site detector may reach a history's events after the import's checkpoints stopped
    /// carrying it); `historical_detections` holds episodes that ended before it, with no incident.
    private static let historyImports = """
        ALTER TABLE tail_checkpoints ADD COLUMN history_cutoff BIGINT, ADD COLUMN history_end BIGINT;

        CREATE TABLE history_imports (
            node TEXT NOT NULL,
            path TEXT NOT NULL,
            cutoff BIGINT NOT NULL,
            PRIMARY KEY (node, path)
        );

        CREATE TABLE historical_detections (
            episode_key BYTEA NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('repeat-caller', 'stalking', 'anonymous', 'number-hopping')),
            caller TEXT,
            callers TEXT NOT NULL,
            target BYTEA NOT NULL,
            calls BIGINT NOT NULL CHECK (calls >= 0),
            first_time BIGINT NOT NULL,
            last_time BIGINT NOT NULL CHECK (last_time >= first_time),
            action TEXT NOT NULL CHECK (action IN ('watch', 'alert', 'review', 'block', 'redirect')),
            action_expires BIGINT,
            offence BIGINT NOT NULL CHECK (offence >= 1),
            call_ids TEXT NOT NULL
        );
        """

    /// Recordings linked to calls (``PostgresStore/linkRecording(_:)``), and what an incident's
    /// timeline reads by: calls by call id alone, detections by incident (as SQLite's indexes).
    private static let recordingsAndTimeline = """
        CREATE TABLE recordings (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            call_id BYTEA NOT NULL,
            location BYTEA NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('file', 'uri')),
            size BIGINT CHECK (size >= 0),
            sha256 TEXT CHECK (length(sha256) = 64),
            recorded_at BIGINT,
            linked_at BIGINT NOT NULL,
            linked_by BYTEA NOT NULL
        );
        CREATE UNIQUE INDEX recordings_by_location ON recordings ((sha256(location)));
        CREATE INDEX recordings_by_call ON recordings USING hash (call_id);
        CREATE INDEX call_events_by_call_id ON call_events USING hash (call_id);
        CREATE INDEX detections_by_incident ON detections (incident_id);
        """

    /// MCID flags and their withdrawals, as SQLite's `v4-incident-lifecycle` and
    /// `house-rule-history` (``PostgresStore`` as the MCID part of ``IncidentStore``): the flagged
    /// call's identity is copied into the flag (the call's rows may go with retention; the flag
    /// stays with its incident). Caller, PBX and people's text is `BYTEA`, whole; the SIP headers
    /// are a JSON list (`\u0000` for a NUL). `call_events_by_callee_time` serves "the last call to
    /// this extension".
    private static let mcid = """
        CREATE TABLE mcid_flags (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id BIGINT NOT NULL REFERENCES incidents (id),
            kind TEXT NOT NULL CHECK (kind IN ('harassment', 'stalking', 'anonymous', 'number-hopping',
                                               'threat', 'bomb-threat', 'suicide-threat')),
            call_id BYTEA NOT NULL,
            flagged_at BIGINT NOT NULL,
            flagged_by BYTEA NOT NULL,
            note BYTEA NOT NULL,
            source_address BYTEA,
            sip_headers TEXT NOT NULL,
            call_source TEXT,
            call_start BIGINT,
            disposition TEXT,
            duration_us BIGINT,
            talk_time_us BIGINT,
            caller_raw BYTEA,
            caller_e164 TEXT,
            caller_extension BYTEA,
            caller_name BYTEA,
            asserted_identity TEXT,
            presentation_restricted BOOLEAN,
            callee_raw BYTEA,
            callee_key BYTEA,
            CHECK ((call_source IS NULL) = (caller_raw IS NULL))
        );
        CREATE INDEX mcid_flags_by_incident ON mcid_flags (incident_id);

        CREATE TABLE mcid_withdrawals (
            flag_id BIGINT NOT NULL PRIMARY KEY REFERENCES mcid_flags (id) ON DELETE CASCADE,
            withdrawn_at BIGINT NOT NULL,
            withdrawn_by BYTEA NOT NULL,
            reason BYTEA NOT NULL
        );

        CREATE INDEX call_events_by_callee_time ON call_events (callee_key, counted_time);
        """
}
