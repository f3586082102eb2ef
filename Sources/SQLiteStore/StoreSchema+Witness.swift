import GRDB

extension StoreSchema {
    /// The name of the migration that makes call id alone the identity of a call (append-only:
    /// never renamed or changed once shipped).
    static let witnessCallIdentityMigration = "witness-call-identity"

    /// One call, many witnesses: every source's events of one call share its call id (SIP
    /// Call-ID, Asterisk linkedid, FreeSWITCH uuid), so the events are found by call id alone
    /// (the index replaces the `(source, call_id)` one; every read by call id uses it). A decision
    /// question's event records what was answered: `decision_action` (`allow`, `block`,
    /// `redirect`, `flag`), the redirect target, the deciding rule's id and reason; NULL on every
    /// other source's events and on events stored before this migration.
    ///
    /// Witnesses stay rows appended to `call_events`, never updated in place: the merged call is
    /// a read over them (`SQLiteStore+Timeline.swift`).
    static func witnessCallIdentity(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE call_events ADD COLUMN decision_action TEXT CHECK (
                    decision_action IS NULL OR decision_action = 'allow' OR decision_action = 'block'
                    OR decision_action = 'redirect' OR decision_action = 'flag');
                ALTER TABLE call_events ADD COLUMN decision_target TEXT;
                ALTER TABLE call_events ADD COLUMN decision_rule INTEGER;
                ALTER TABLE call_events ADD COLUMN decision_reason TEXT;
                CREATE INDEX call_events_by_call_id ON call_events (call_id);
                DROP INDEX call_events_by_call;
                """)
    }
}
