package import CallModel

/// Thresholds and lists for ``HarassmentDetector``: plain values with defaults that fit an office
/// switchboard of a few hundred staff.
///
/// The composition root builds one from the configuration file and may call ``problems`` to fail fast
/// on nonsense; ``HarassmentDetector`` itself clamps out-of-range values (a threshold below 1 becomes
/// 1, an empty ladder becomes `[alert]`) rather than trapping.
/// Deliberately not handled: reloading at run time (build a new detector; its counts start empty) and
/// per-extension thresholds.
package struct DetectionConfiguration: Sendable {
    /// One identity calling the organisation many times in a short window.
    package var repeatCaller = RepeatCaller()
    /// One identity calling the same extension over days.
    package var stalking = Stalking()
    /// Unidentified callers converging on one extension.
    package var anonymous = Anonymous()
    /// Many never-seen numbers making short calls to one personal extension.
    package var numberHopping = NumberHopping()
    /// How the response grows with re-offences.
    package var escalation = Escalation()
    /// Callers and called extensions that are never counted and never flagged.
    package var allowList = AllowList()
    /// Known customers: a `block` step becomes `review`, because a customer gets a letter or a
    /// call-back from ops, not an automatic block (domain.md).
    package var knownCustomers: Set<E164Number> = []
    /// The zone whose calendar days the stalking rule counts.
    package var timeZone: LocalTimeZone = .utc
    /// Keys each rule tracks at most (250,000 identities is several years of distinct callers for a
    /// large switchboard). Over the cap the least recently seen key is evicted and forgets its count.
    package var maxTrackedKeys = 250_000
    /// Call ids a detection keeps as evidence (the newest are kept).
    package var maxCallIDsPerDetection = 50

    /// The defaults described on each property.
    package init() {}

    /// What is out of range, one line each; empty when the configuration is usable as it is.
    package var problems: [String] {
        var found: [String] = []
        func positive(_ value: Int, _ name: String) {
            if value < 1 { found.append("\(name) must be at least 1 (is \(value))") }
        }
        func positive(_ span: TimeSpan, _ name: String) {
            if span.microseconds <= 0 { found.append("\(name) must be longer than zero (is \(span))") }
        }
        positive(repeatCaller.threshold, "repeat-caller threshold")
        positive(repeatCaller.window, "repeat-caller window")
        positive(stalking.threshold, "stalking threshold")
        positive(stalking.minimumDays, "stalking minimum days")
        positive(stalking.distinctDaysThreshold, "stalking distinct-days threshold")
        positive(stalking.window, "stalking window")
        positive(stalking.maximumRememberedCalls, "stalking remembered calls")
        positive(anonymous.threshold, "anonymous threshold")
        positive(anonymous.window, "anonymous window")
        positive(numberHopping.distinctNumbers, "number-hopping distinct numbers")
        positive(numberHopping.window, "number-hopping window")
        positive(numberHopping.baselineFactor, "number-hopping baseline factor")
        positive(numberHopping.newNumberMemory, "number-hopping new-number memory")
        positive(numberHopping.newNumberCapacity, "number-hopping new-number capacity")
        positive(numberHopping.maximumRememberedCalls, "number-hopping remembered calls")
        positive(escalation.stepUpFactor, "escalation step-up factor")
        positive(escalation.blockBase, "escalation block base")
        positive(maxTrackedKeys, "max tracked keys")
        positive(maxCallIDsPerDetection, "max call ids per detection")
        if escalation.ladder.isEmpty { found.append("escalation ladder must not be empty") }
        if escalation.blockMax < escalation.blockBase { found.append("escalation block max is below block base") }
        if stalking.window < .days(1) { found.append("stalking window must span at least one day") }
        for prefix in allowList.prefixes where NumberList.parsePrefix(prefix) == nil {
            found.append("allow-list prefix is not 1-15 digits: \(E164Number.mask(prefix))")
        }
        return found
    }
}
