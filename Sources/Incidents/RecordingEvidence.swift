package import CallModel

/// A recording linked to a call: a file Callwarden found and hashed, or an external URI an API
/// client attached.
///
/// Deliberately not handled: reading or transcoding the audio, and deleting recordings (retention
/// of recordings is the PBX's; an altered or missing file is reported by `evidence verify`).
package struct RecordingEvidence: Hashable, Sendable {
    package var id: Int64
    package var callID: String
    /// An absolute file path, or a URI for an external recording.
    package var location: String
    package var origin: RecordingOrigin
    /// Size in bytes when hashed; nil for a URI.
    package var size: Int64?
    /// Lower-case hex SHA-256 of the file when hashed; nil for a URI (unless the client gave one).
    package var sha256: String?
    /// The file's modification time (when the recording was written), when known.
    package var recordedAt: Timestamp?
    /// Processing time the recording was linked.
    package var linkedAt: Timestamp

    package init(
        id: Int64, callID: String, location: String, origin: RecordingOrigin, size: Int64?, sha256: String?,
        recordedAt: Timestamp?, linkedAt: Timestamp
    ) {
        self.id = id
        self.callID = callID
        self.location = location
        self.origin = origin
        self.size = size
        self.sha256 = sha256
        self.recordedAt = recordedAt
        self.linkedAt = linkedAt
    }
}

/// How a recording came to be linked.
package enum RecordingOrigin: String, Hashable, Sendable, Codable {
    /// Found by the recording directory watcher.
    case file
    /// Attached through the API as an external URI.
    case uri
}

/// A recording to link, before it has a store id.
package struct NewRecording: Hashable, Sendable {
    package var callID: String
    package var location: String
    package var origin: RecordingOrigin
    package var size: Int64?
    package var sha256: String?
    package var recordedAt: Timestamp?
    package var linkedAt: Timestamp
    package var actor: String

    package init(
        callID: String, location: String, origin: RecordingOrigin, size: Int64?, sha256: String?, recordedAt: Timestamp?,
        linkedAt: Timestamp, actor: String
    ) {
        self.callID = callID
        self.location = location
        self.origin = origin
        self.size = size
        self.sha256 = sha256
        self.recordedAt = recordedAt
        self.linkedAt = linkedAt
        self.actor = actor
    }
}
