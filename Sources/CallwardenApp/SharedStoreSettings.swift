import CallModel
import Foundation
package import PostgresStore

/// `store: url:` — the PostgreSQL store several sites share (``PostgresStore``), with
/// `store: password_file:` (a secret file, see ``SecretFiles``; never a password in the URL) and
/// `store: node:` [the host name], the name this node's checkpoints and events carry, and
/// `store: spool_limit:` [1,000,000 events; 0 turns the spool off], how many pushed events the
/// node keeps in its own SQLite file while PostgreSQL is unreachable (`IngestLoop+Spool.swift`).
///
/// What uses it: `callwarden serve` (a node of several sites: ``SiteNode``, built by
/// ``buildDaemon(configuration:logger:options:)``), the ops commands that add rules and read
/// detections (`callwarden blocks add`, `redirects add`, `detections`:
/// ``CallwardenConfiguration/openStore()``), and the rule feed that carries rule changes to every
/// running matcher (``PostgresRuleFeed``), the people's API and console, recording links and the
/// other ops commands (`tokens`, `privacy`, `evidence verify`: ``CallwardenConfiguration/openOpsStore(_:)``).
package struct SharedStoreSettings: Sendable, Equatable {
    package var postgres: PostgresSettings
    package var node: String
    /// Pushed events spooled locally at most while the store is unreachable (0: no spool).
    package var spoolLimit: Int

    /// The default spool: a busy site's hour of pushed events (SIP, decisions), ~0.5 GB on disk at most.
    package static let defaultSpoolLimit = 1_000_000

    package init(postgres: PostgresSettings, node: String, spoolLimit: Int = defaultSpoolLimit) {
        self.postgres = postgres
        self.node = node
        self.spoolLimit = spoolLimit
    }

    static func read(_ store: ConfigNode, resolve: (String) -> String) -> SharedStoreSettings? {
        guard let url = store.string("url") else {
            for key in ["password_file", "node", "spool_limit"] where store.string(key) != nil {
                store.fail(key, "only with store.url (the PostgreSQL store)")
            }
            return nil
        }
        let password = SecretFiles.secret(store, "password_file", resolve: resolve)
        let node = store.string("node") ?? ProcessInfo.processInfo.hostName
        guard !node.isEmpty, node.utf8.count <= 64, node.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 }) else {
            store.fail("node", "a node name is 1 to 64 printable ASCII characters without spaces")
            return nil
        }
        let spoolLimit = store.int("spool_limit", default: defaultSpoolLimit, range: 0...100_000_000)
        do {
            let settings = try PostgresSettings(url: url, password: password.map { String(decoding: $0.bytes, as: UTF8.self) })
            return SharedStoreSettings(postgres: settings, node: node, spoolLimit: spoolLimit)
        } catch let error as PostgresStoreError {
            store.fail("url", error.message)
        } catch {
            store.fail("url", "\(error)")
        }
        return nil
    }
}
