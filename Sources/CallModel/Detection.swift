/// The harassment patterns Callwarden recognises.
package enum DetectionKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// One identity calls the organisation many times in a short window.
    case repeatCaller = "repeat-caller"
    /// One identity calls the same extension again and again over days without bursting.
    case stalking
    /// Unidentified callers converge on one extension.
    case anonymous
    /// Several never-seen numbers call one personal extension with short or unanswered calls.
    case numberHopping = "number-hopping"
}

/// What Callwarden does about a detection.
package enum ResponseAction: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    /// Recorded and shown to ops; nobody is paged.
    case watch
    /// Security is alerted.
    case alert
    /// The caller is a known customer: ops review instead of an automatic block (domain.md).
    case review
    /// The caller's number is blocked until ``Detection/actionExpires``.
    case block
    /// The (unidentified) caller is sent to the crisis-service line instead of being blocked.
    case redirect

    private var rank: Int {
        switch self {
        case .watch: 0
        case .alert: 1
        case .review: 2
        case .block: 3
        case .redirect: 3
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// One harassment episode: a pattern that crossed its threshold, with the calls it rests on.
///
/// An episode begins when the threshold is crossed and goes on while calls keep matching; later
/// calls update ``calls``, ``last`` and possibly ``action``. After a quiet window the next crossing
/// is a new episode and a re-offence.
package struct Detection: Hashable, Sendable {
    package var kind: DetectionKind
    /// The counted identity; nil when the callers are unidentified.
    package var caller: E164Number?
    /// All identities involved, for number-hopping (sorted); the single caller otherwise.
    package var callers: [E164Number]
    /// The extension (or number) called; `*` for the organisation as a whole.
    package var target: String
    /// Calls the detection rests on so far.
    package var calls: Int
    /// Event time of the first and last of those calls.
    package var first: Timestamp
    package var last: Timestamp
    package var action: ResponseAction
    /// Until when a block or redirect applies; nil for watch, alert and review.
    package var actionExpires: Timestamp?
    /// 1 for a first episode of this identity, 2 for the first re-offence, ...
    package var offence: Int
    /// Call IDs of the calls the detection rests on (bounded; the newest are kept).
    package var callIDs: [String]

    package init(
        kind: DetectionKind,
        caller: E164Number?,
        callers: [E164Number],
        target: String,
        calls: Int,
        first: Timestamp,
        last: Timestamp,
        action: ResponseAction,
        actionExpires: Timestamp? = nil,
        offence: Int = 1,
        callIDs: [String] = []
    ) {
        self.kind = kind
        self.caller = caller
        self.callers = callers
        self.target = target
        self.calls = calls
        self.first = first
        self.last = last
        self.action = action
        self.actionExpires = actionExpires
        self.offence = offence
        self.callIDs = callIDs
    }

    /// Identifies the episode across updates and restarts: kind, identity, target and first call.
    /// Episodes without one caller (anonymous, number-hopping) are identified by their target and
    /// start alone: their list of callers grows while the episode goes on.
    package var episodeKey: String {
        let identity = caller?.description ?? "-"
        return kind.rawValue + "|" + identity + "|" + target + "|" + String(first.microsecondsSinceEpoch)
    }
}
