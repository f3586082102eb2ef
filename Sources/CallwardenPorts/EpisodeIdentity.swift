package import CallModel

/// What identifies a detection episode across its updates, as a hashable value: the same fields as
/// ``CallModel/Detection/episodeKey`` (kind, identity, target, first call) and the same equality,
/// without building a string. The per-event steps (``IngestBatch/upsert(_:)``, the rules already
/// issued) look episodes up by it; the store keeps the string key.
package struct EpisodeIdentity: Hashable, Sendable {
    package var kind: DetectionKind
    /// Nil for episodes without one caller (anonymous, number-hopping).
    package var caller: E164Number?
    package var target: String
    package var first: Timestamp

    package init(_ detection: Detection) {
        self.kind = detection.kind
        self.caller = detection.caller
        self.target = detection.target
        self.first = detection.first
    }
}

extension Detection {
    /// ``episodeKey`` as a hashable value (see ``CallwardenPorts/EpisodeIdentity``).
    package var episodeIdentity: EpisodeIdentity { EpisodeIdentity(self) }
}
