import CallModel
import CallwardenPorts
import GRDB

// MARK: - Pushed events: idempotency keys

extension SQLiteStore {
    /// The events of `events` whose `PushedEventKey` is not in `pushed_event_keys` yet (nor earlier
    /// in `events`), in order; their keys are inserted on the way, stamped with `time` (the store's
    /// clock now: `stored_at`, what retention counts from). Runs inside the commit's write transaction,
    /// so an event and its key are stored together or not at all. The call id is stored whole, NUL
    /// included (``FullLengthText``): a resend of such an event is found, and an id that only shares
    /// the text before the NUL is another call.
    static func firstDeliveries(of events: [CallEvent], storedAt time: Timestamp, _ db: Database) throws -> [CallEvent] {
        guard !events.isEmpty else { return events }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO pushed_event_keys (source, call_id, phase, time, stored_at)
                VALUES (?, \(FullLengthText.placeholder), ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
        let storedAt = time.microsecondsSinceEpoch
        var fresh: [CallEvent] = []
        fresh.reserveCapacity(events.count)
        for event in events {
            let key = PushedEventKey(event)
            try statement.execute(arguments: [
                key.source.rawValue, FullLengthText.argument(key.callID), key.phase.rawValue, key.time.microsecondsSinceEpoch, storedAt,
            ])
            if db.changesCount > 0 { fresh.append(event) }
        }
        return fresh
    }

    /// How many pushed-event keys are stored (tests and diagnostics).
    package func pushedEventKeyCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pushed_event_keys") ?? 0 }
    }
}
