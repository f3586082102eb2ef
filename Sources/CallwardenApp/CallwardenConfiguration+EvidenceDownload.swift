package import CallModel
package import CallwardenPorts
package import PeopleAPI
import Evidence
import Foundation
package import Incidents
package import SQLiteStore
import PostgresStore

/// What an evidence bundle is made from: the incident's timeline, the chain's head, and the audit
/// log that records the download. SQLite, or the shared PostgreSQL (every site's evidence).
package protocol EvidenceExportStore: Sendable {
    func timeline(incidentID: Int64) throws -> IncidentTimeline?
    func evidenceChainHead() throws -> (entries: Int64, head: String?)
    func recordAudit(_ entry: AuditEntry) throws
}

extension SQLiteStore: EvidenceExportStore {}
extension PostgresStore: EvidenceExportStore {}

extension CallwardenConfiguration {
    /// The console's evidence download: the bundle `callwarden incidents export` writes (the same
    /// exporter, signing key and chain head), written into a fresh directory under
    /// `<state directory>/console-exports/` (0700), archived as one tar in memory, then removed.
    /// Audited as `incident.export` (actor `token:<name>`) before it is handed out.
    package func evidenceDownload(store: any EvidenceExportStore, clock: WallClock) -> EvidenceDownload {
        let configuration = self
        return { id, actor in try configuration.downloadEvidence(id, actor: actor, store: store, clock: clock) }
    }

    func downloadEvidence(_ id: Int64, actor: String, store: any EvidenceExportStore, clock: WallClock) throws -> EvidenceDownloadFile? {
        guard let timeline = try store.timeline(incidentID: id) else { return nil }
        let key = try evidenceSigningKey()
        let exports = (stateDirectory as NSString).appendingPathComponent("console-exports")
        try FileManager.default.createDirectory(atPath: exports, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let directory = (exports as NSString).appendingPathComponent("incident-\(id)-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = clock.now()
        let bundle = try evidenceExporter(signingKey: key, clock: clock).export(timeline, to: directory, chain: try store.evidenceChainHead())
        let top = "incident-\(id)-evidence"
        let bytes = try BundleArchive.tar(
            directory: directory, top: top, modified: Date(timeIntervalSince1970: Double(now.microsecondsSinceEpoch) / 1_000_000))
        try store.recordAudit(AuditEntry(
            time: now, actor: actor, action: "incident.export", subject: "incident \(id)",
            detail: "console download: \(bundle.files.count) files, MANIFEST.sha256 signed by key \(key.fingerprint.prefix(16))"))
        return EvidenceDownloadFile(fileName: top + ".tar", bytes: bytes)
    }
}
