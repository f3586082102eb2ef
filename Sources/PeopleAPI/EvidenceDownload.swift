/// A file to download: its name and bytes.
package struct EvidenceDownloadFile: Sendable {
    package var fileName: String
    package var bytes: [UInt8]

    package init(fileName: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.bytes = bytes
    }
}

/// Makes incident `id`'s evidence bundle for `actor` (`token:<name>`), auditing it; nil when there
/// is no such incident. Runs on the store's executor (it writes files and reads recordings).
package typealias EvidenceDownload = @Sendable (_ incidentID: Int64, _ actor: String) throws -> EvidenceDownloadFile?
