package import CallModel

/// What makes two detections the same incident: kind, identity and target.
///
/// - harassment and stalking: the harasser's counted identity (asserted identity first) and the
///   extension (or `*`) they call;
/// - anonymous: ``IncidentKey/unidentified`` and the target extension;
/// - number-hopping: ``IncidentKey/hoppingCluster`` and the target: the cluster of changing numbers
///   converging on one extension is one incident however many numbers it grows to.
///
/// Deliberately not handled: merging a hopping cluster that moves to another extension with the
/// first one (two incidents, each with its own callers), and merging incidents of different kinds
/// about the same person (a stalking and a threat incident stay apart; both show the same calls).
package struct IncidentKey: Hashable, Sendable {
    package var kind: IncidentKind
    /// The counted identity (`+447700900123`), ``unidentified`` or ``hoppingCluster``.
    package var identity: String
    /// The extension or number called; `*` for the organisation.
    package var target: String

    package static let unidentified = "unidentified"
    package static let hoppingCluster = "hopping-cluster"

    package init(kind: IncidentKind, identity: String, target: String) {
        self.kind = kind
        self.identity = identity
        self.target = target
    }

    /// The incident a detection belongs to.
    package init(detection: Detection) {
        let kind = IncidentKind(detection: detection.kind)
        let identity: String =
            switch detection.kind {
            case .numberHopping: Self.hoppingCluster
            case .anonymous: Self.unidentified
            case .repeatCaller, .stalking: detection.caller?.description ?? Self.unidentified
            }
        self.init(kind: kind, identity: identity, target: detection.target)
    }

    /// The incident an MCID flag of `kind` opens for a call from `caller` to `target`.
    package init(kind: IncidentKind, caller: CallerIdentity?, target: String) {
        let identity = caller?.countedNumber?.description ?? caller?.internalExtension ?? Self.unidentified
        self.init(kind: kind, identity: identity, target: target)
    }
}
