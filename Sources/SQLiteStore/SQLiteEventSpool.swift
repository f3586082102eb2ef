package import CallModel
package import CallwardenPorts
import GRDB

/// The node's own SQLite file as the spool of pushed events a shared store could not take
/// (``CallwardenPorts/EventSpool``): table `pushed_spool`, written and read with the same column
/// code as `call_events`, so every field (text with NULs included) comes back as it went in.
///
/// Deliberately not handled: retention and personal-data erasure of spooled rows. They wait here
/// only while the shared store is unreachable and are moved (and deleted here) as soon as it
/// answers; erasure and retention then apply to them on the shared store.
package struct SQLiteEventSpool: EventSpool {
    package let store: SQLiteStore
    package let capacity: Int

    package init(store: SQLiteStore, capacity: Int) {
        self.store = store
        self.capacity = max(0, capacity)
    }

    private static let inserts = SQLiteStore.EventInsertSQL(table: "pushed_spool")

    package func spooledCount() throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pushed_spool") ?? 0 }
    }

    package func spool(_ events: [CallEvent]) throws {
        guard !events.isEmpty else { return }
        try store.write { db in try store.insertEvents(events, db, using: Self.inserts) }
    }

    package func oldestSpooled(limit: Int) throws -> (events: [CallEvent], through: Int64)? {
        try store.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(SQLiteStore.eventReadColumns), id FROM pushed_spool ORDER BY id LIMIT ?",
                arguments: [max(1, limit)])
            guard let last = rows.last else { return nil }
            // The event's columns come first (``SQLiteStore/event(from:)`` reads them by index), the id last.
            let events = try rows.map(SQLiteStore.event(from:))
            let through: Int64 = last[last.count - 1]
            return (events, through)
        }
    }

    package func removeSpooled(through: Int64) throws {
        try store.write { db in try db.execute(sql: "DELETE FROM pushed_spool WHERE id <= ?", arguments: [through]) }
    }
}
