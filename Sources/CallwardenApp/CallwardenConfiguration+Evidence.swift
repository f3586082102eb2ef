package import Evidence
import Foundation
package import Incidents
import PostgresStore
import SQLiteStore

extension CallwardenConfiguration {
    /// Checks the store's evidence chain (tamper evidence): entries, the rows they hash, triggers;
    /// with `store.url` the shared PostgreSQL store's chain (every site's evidence).
    package func verifyEvidenceChain(limit: Int = 100) throws -> EvidenceChainReport {
        if let shared = sharedStore {
            let store = try openOpsStore(shared)
            defer { store.close() }
            return try store.verifyEvidenceChain(limit: limit)
        }
        return try SQLiteStore(path: storePath).verifyEvidenceChain(limit: limit)
    }

    /// The state directory: the directory holding the store.
    package var stateDirectory: String {
        let directory = (storePath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// The evidence signing key's file, in the state directory (0600).
    package var evidenceKeyPath: String {
        (stateDirectory as NSString).appendingPathComponent(EvidenceSigningKey.fileName)
    }

    /// The key that signs evidence bundles, made on first use.
    package func evidenceSigningKey() throws -> EvidenceSigningKey {
        try EvidenceSigningKey.loadOrCreate(at: evidenceKeyPath)
    }

    /// The number of chain entries and the head, for a bundle's `CHAIN.txt`.
    package func evidenceChainHead() throws -> (entries: Int64, head: String?) {
        try SQLiteStore(path: storePath).evidenceChainHead()
    }
}
