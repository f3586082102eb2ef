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
        if let shared = sharedStore {
            do {
                return try PostgresStore(settings: shared.postgres, node: shared.node, logger: Logger(label: "callwarden.store"))
            } catch {
                throw ConfigurationError(key: "store.url", reason: "\(shared.postgres): \(error)")
            }
        }
        return try SQLiteStore(path: storePath)
    }
}

extension CallwardenConfiguration {
    /// Opens (and migrates) the store for correcting rules (`blocks remove`, `blocks show`, the
    /// history): the same operations the API's routes call.
    /// - Throws: ``ConfigurationError`` with `store.url` set: corrections (removal into the
    ///   history, false positives) are not on the PostgreSQL store yet, and making them in this
    ///   node's SQLite file would leave the shared rules unchanged.
    package func openRuleCorrections() throws -> any RuleCorrectionStore {
        if sharedStore != nil {
            throw ConfigurationError(
                key: "store.url", reason: "rule corrections (blocks show/remove, history) are not on the PostgreSQL store yet")
        }
        return try SQLiteStore(path: storePath, alertPolicy: incidents.alertPolicy)
    }
}
