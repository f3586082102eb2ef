import Foundation
package import Incidents

/// Re-hashes linked recording files and says which are intact, missing or altered since linking.
///
/// Deliberately not handled: external recordings (URIs are listed as not checkable) and repair.
package enum EvidenceVerifier {
    /// The state of one recording.
    package enum Status: String, Hashable, Sendable {
        case intact
        case missing
        /// Size or SHA-256 differ from what was stored when it was linked.
        case altered
        /// A URI, or a file linked without a hash.
        case notCheckable = "not-checkable"
        case unreadable
    }

    package struct Finding: Hashable, Sendable {
        package var recording: RecordingEvidence
        package var status: Status
        /// The hash found now, when the file could be read.
        package var currentSHA256: String?
    }

    /// Checks each recording.
    package static func verify(_ recordings: [RecordingEvidence]) -> [Finding] {
        recordings.map { recording in
            guard recording.origin == .file, let expected = recording.sha256 else {
                return Finding(recording: recording, status: .notCheckable, currentSHA256: nil)
            }
            guard FileManager.default.fileExists(atPath: recording.location) else {
                return Finding(recording: recording, status: .missing, currentSHA256: nil)
            }
            guard let (size, sha256) = try? FileHasher.hash(path: recording.location) else {
                return Finding(recording: recording, status: .unreadable, currentSHA256: nil)
            }
            let intact = sha256 == expected && (recording.size.map { $0 == size } ?? true)
            return Finding(recording: recording, status: intact ? .intact : .altered, currentSHA256: sha256)
        }
    }
}
