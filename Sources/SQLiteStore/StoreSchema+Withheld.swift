import GRDB

extension StoreSchema {
    /// The name of the migration that carries "the caller withheld their number" to incidents and alerts.
    static let withheldMigration = "evidence-2-withheld"

    /// `incidents.withheld` and `alert_outbox.withheld`: 1 once a call of the incident had its
    /// number withheld (presentation restricted), so that every reader who is not security (alerts,
    /// webhooks, Alertmanager, the journal) sees `withheld` and not even a masked number. Existing
    /// incidents are marked from their linked calls, existing alerts from their incident.
    static func withheld(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE incidents ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0 CHECK (withheld IN (0, 1));
                ALTER TABLE alert_outbox ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0 CHECK (withheld IN (0, 1));
                UPDATE incidents SET withheld = 1 WHERE EXISTS (
                    SELECT 1 FROM incident_calls AS l JOIN call_events AS e ON e.call_id = l.call_id
                    WHERE l.incident_id = incidents.id AND e.presentation_restricted = 1);
                UPDATE alert_outbox SET withheld = 1
                    WHERE incident_id IN (SELECT id FROM incidents WHERE withheld = 1);
                """)
    }
}
