import GRDB

extension StoreSchema {
    /// The name of the migration that adds the incident lifecycle, MCID flags, recordings and the
    /// alert outbox (append-only: never renamed or changed once shipped).
    static let incidentLifecycleMigration = "v4-incident-lifecycle"

    /// Rebuilds `incidents` with the incident kinds (`repeat-caller` becomes `harassment`), a
    /// severity and the alert state, keeping every id (detections point at them), and adds the
    /// tables for the timeline, MCID flags, recordings and the alert outbox.
    ///
    /// GRDB runs a migration with foreign keys off and checks them at its end, which is what the
    /// rebuild of a referenced table needs (SQLite's "12-step" table change).
    static func incidentLifecycle(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE incidents_rebuilt (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('harassment', 'stalking', 'anonymous', 'number-hopping',
                                                       'threat', 'bomb-threat', 'suicide-threat')),
                    identity TEXT NOT NULL,
                    target TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
                    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'reported', 'closed')),
                    opened_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    detection_count INTEGER NOT NULL CHECK (detection_count >= 0),
                    alerted_action TEXT
                        CHECK (alerted_action IN ('watch', 'alert', 'review', 'block', 'redirect')),
                    last_detection_alert INTEGER,
                    suppressed_alerts INTEGER NOT NULL DEFAULT 0 CHECK (suppressed_alerts >= 0)
                );
                INSERT INTO incidents_rebuilt (id, kind, identity, target, severity, status, opened_at, updated_at,
                                               detection_count)
                    SELECT id, CASE kind WHEN 'repeat-caller' THEN 'harassment' ELSE kind END, identity, target,
                           CASE kind WHEN 'stalking' THEN 'medium' ELSE 'low' END, status, opened_at, updated_at,
                           detection_count
                    FROM incidents;
                DROP TABLE incidents;
                ALTER TABLE incidents_rebuilt RENAME TO incidents;
                CREATE UNIQUE INDEX incidents_one_unclosed ON incidents (kind, identity, target)
                    WHERE status <> 'closed';
                CREATE INDEX incidents_by_updated_at ON incidents (updated_at);

                CREATE TABLE incident_calls (
                    incident_id INTEGER NOT NULL REFERENCES incidents (id),
                    call_id TEXT NOT NULL,
                    linked_at INTEGER NOT NULL,
                    PRIMARY KEY (incident_id, call_id)
                ) WITHOUT ROWID;
                CREATE INDEX incident_calls_by_call ON incident_calls (call_id);
                INSERT OR IGNORE INTO incident_calls (incident_id, call_id, linked_at)
                    SELECT detections.incident_id, calls.value, detections.last_time
                    FROM detections, json_each(detections.call_ids) AS calls;

                CREATE TABLE incident_log (
                    id INTEGER PRIMARY KEY,
                    incident_id INTEGER NOT NULL REFERENCES incidents (id),
                    time INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('opened', 'acknowledged', 'reported', 'closed', 'note',
                                                           'mcid', 'recording')),
                    note TEXT NOT NULL
                );
                CREATE INDEX incident_log_by_incident ON incident_log (incident_id, id);

                CREATE TABLE mcid_flags (
                    id INTEGER PRIMARY KEY,
                    incident_id INTEGER NOT NULL REFERENCES incidents (id),
                    kind TEXT NOT NULL CHECK (kind IN ('harassment', 'stalking', 'anonymous', 'number-hopping',
                                                       'threat', 'bomb-threat', 'suicide-threat')),
                    call_id TEXT NOT NULL,
                    flagged_at INTEGER NOT NULL,
                    flagged_by TEXT NOT NULL,
                    note TEXT NOT NULL,
                    source_address TEXT,
                    sip_headers TEXT NOT NULL,
                    call_source TEXT,
                    call_start INTEGER,
                    disposition TEXT,
                    duration_us INTEGER,
                    talk_time_us INTEGER,
                    caller_raw TEXT,
                    caller_e164 TEXT,
                    caller_extension TEXT,
                    caller_name TEXT,
                    asserted_identity TEXT,
                    presentation_restricted INTEGER CHECK (presentation_restricted IN (0, 1)),
                    callee_raw TEXT,
                    callee_key TEXT,
                    CHECK ((call_source IS NULL) = (caller_raw IS NULL))
                );
                CREATE INDEX mcid_flags_by_incident ON mcid_flags (incident_id);

                CREATE TABLE recordings (
                    id INTEGER PRIMARY KEY,
                    call_id TEXT NOT NULL,
                    location TEXT NOT NULL UNIQUE,
                    origin TEXT NOT NULL CHECK (origin IN ('file', 'uri')),
                    size INTEGER CHECK (size >= 0),
                    sha256 TEXT CHECK (length(sha256) = 64),
                    recorded_at INTEGER,
                    linked_at INTEGER NOT NULL,
                    linked_by TEXT NOT NULL
                );
                CREATE INDEX recordings_by_call ON recordings (call_id);

                CREATE TABLE alert_outbox (
                    id INTEGER PRIMARY KEY,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    incident_id INTEGER NOT NULL REFERENCES incidents (id),
                    event TEXT NOT NULL CHECK (event IN ('opened', 'escalated', 'updated', 'flagged',
                                                         'status-changed', 'resolved')),
                    kind TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
                    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'reported', 'closed')),
                    identity TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    starts_at INTEGER NOT NULL,
                    ends_at INTEGER,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX alert_outbox_by_incident ON alert_outbox (incident_id, id);
                CREATE INDEX alert_outbox_by_created_at ON alert_outbox (created_at);

                CREATE TABLE alert_deliveries (
                    alert_id INTEGER NOT NULL REFERENCES alert_outbox (id) ON DELETE CASCADE,
                    sink TEXT NOT NULL,
                    attempts INTEGER NOT NULL CHECK (attempts >= 0),
                    next_attempt_at INTEGER,
                    delivered_at INTEGER,
                    last_error TEXT,
                    PRIMARY KEY (alert_id, sink)
                ) WITHOUT ROWID;
                """)
    }
}
