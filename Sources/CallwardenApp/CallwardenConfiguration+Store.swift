package import CallPipeline
package import CallwardenPorts
import Logging
import PostgresStore
import SQLiteStore

extension CallwardenConfiguration {
    /// Opens (and migrates) the configured store for the ops commands: the shared PostgreSQL store
    /// when `store.url` is set (a rule added there reaches every site's matcher), else SQLite. The
    /// daemon may be running: SQLite in WAL mode lets this process read and write beside it.
    package func openStore() throws -> any EventStore & RuleStore & DetectionStore {
        if let shared = sharedStore { return try openOpsStore(shared) }
        return try SQLiteStore(path: storePath)
    }

    /// The shared PostgreSQL store for an ops command (connected and migrated); a failure names `store.url`.
    func openOpsStore(_ shared: SharedStoreSettings) throws -> PostgresStore {
        do {
            return try PostgresStore(
                settings: shared.postgres, node: shared.node, logger: Logger(label: "callwarden.store"), alertPolicy: incidents.alertPolicy)
        } catch {
            throw ConfigurationError(key: "store.url", reason: "\(shared.postgres): \(error)")
        }
    }
}

extension CallwardenConfiguration {
    /// Opens (and migrates) the store for correcting rules (`blocks remove`, `blocks show`, the
    /// history): the same operations the API's routes call. With `store.url`, the shared
    /// PostgreSQL store: a removal, a false positive (with its allow entry, escalation reset and
    /// closed incidents) or an expiry change reaches every site's matcher and detector.
    package func openRuleCorrections() throws -> any RuleCorrectionStore {
        if let shared = sharedStore { return try openOpsStore(shared) }
        return try SQLiteStore(path: storePath, alertPolicy: incidents.alertPolicy)
    }
}
