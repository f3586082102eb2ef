package import CallPipeline
package import CallwardenPorts
import SQLiteStore

extension CallwardenConfiguration {
    /// Opens (and migrates) the configured store for the ops commands. The daemon may be running:
    /// SQLite in WAL mode lets this process read and write beside it.
    package func openStore() throws -> any EventStore & RuleStore & DetectionStore {
        try SQLiteStore(path: storePath)
    }
}

extension CallwardenConfiguration {
    /// Opens (and migrates) the store for correcting rules (`blocks remove`, `blocks show`, the
    /// history): the same operations the API's routes call.
    package func openRuleCorrections() throws -> any RuleCorrectionStore {
        try SQLiteStore(path: storePath, alertPolicy: incidents.alertPolicy)
    }
}
