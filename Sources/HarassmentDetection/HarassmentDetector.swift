package import CallModel

/// Counts calls per key in exact sliding windows over event time and reports harassment episodes.
///
/// A synchronous value with one owner (the pipeline): feed it every event with ``observe(_:isNewCall:)``
/// and call ``tick(now:)`` now and then with the event time reached, so replays give the same
/// detections as the live run. Identity is ``CallModel/CallerIdentity/countedNumber`` (the asserted
/// identity first); calls are counted at ``CallModel/CallEvent/countedTime``; internal callers,
/// allow-listed callers (the configuration's list and the store's, ``apply(_:)``) and allow-listed
/// extensions are never counted.
///
/// Memory is bounded per rule by ``DetectionConfiguration/maxTrackedKeys``: ``tick(now:)`` drops keys
/// whose newest call can no longer matter, and over the cap the least recently seen key is evicted
/// and forgets its counts (and its open episode). The seen-number set of number-hopping is bounded by
/// its own capacity.
///
/// Events may arrive out of order (CDRs are written when a call ends but counted at its start): each
/// rule judges the window ending at the newest call it has seen for the key, so a late call still
/// counts with the calls after it.
/// Deliberately not handled: a call that arrives later than one window behind its key's newest call
/// is kept but cannot open an episode on its own; a reordered replay may give other episode
/// boundaries than the live run (the same order always gives the same detections); ending an episode
/// is not reported (the last update stands; a later crossing is a new episode).
package struct HarassmentDetector: Sendable {
    /// How many keys each rule tracks now.
    package struct TrackedKeyCounts: Hashable, Sendable {
        /// Identities with calls in the repeat-caller window.
        package var repeatCaller: Int
        /// Identity and extension pairs with calls in the stalking window.
        package var stalking: Int
        /// Extensions with unidentified calls in the anonymous window.
        package var anonymous: Int
        /// Extensions with number-hopping history (first call, hourly baseline).
        package var numberHopping: Int
        /// Offenders with recent offences (escalation memory).
        package var offenders: Int
        /// Numbers in the number-hopping seen set (bounded by its own capacity, not by the key cap).
        package var seenNumbers: Int
    }

    private let settings: DetectionConfiguration
    /// The configuration's allow list and the store's allowed prefixes (rebuilt by ``apply(_:)``).
    private var allowedCallers: NumberList
    /// The store's allowed numbers, with when each entry ends (event time, µs).
    private var storeAllowed: [UInt64: Int64] = [:]
    /// Identities whose escalation was reset, with when (µs): calls counted before are ignored.
    private var escalationResets: [UInt64: Int64] = [:]
    private let allowedTargets: Set<TargetKey>
    private let customers: Set<UInt64>
    private let calendar: LocalDayCalendar
    private let offenceMemory: Int64
    private var repeatCaller: RepeatCallerRule
    private var stalking: StalkingRule
    private var anonymous: AnonymousRule
    private var numberHopping: NumberHoppingRule
    private var escalation: EscalationLadder

    /// A detector with empty counts. Out-of-range values are clamped (see ``DetectionConfiguration``).
    package init(configuration: DetectionConfiguration) {
        let stepUpFactor = configuration.escalation.stepUpFactor
        self.settings = configuration
        self.allowedCallers = NumberList(
            numbers: configuration.allowList.numbers.map(\.value), prefixes: configuration.allowList.prefixes
        )
        self.allowedTargets = Set(configuration.allowList.extensions.map(TargetKey.init))
        self.customers = Set(configuration.knownCustomers.map(\.value))
        self.calendar = LocalDayCalendar(timeZone: configuration.timeZone)
        self.offenceMemory = max(0, configuration.escalation.reoffenceMemory.microseconds)
        self.repeatCaller = RepeatCallerRule(configuration: configuration, stepUpFactor: stepUpFactor)
        self.stalking = StalkingRule(configuration: configuration, stepUpFactor: stepUpFactor)
        self.anonymous = AnonymousRule(configuration: configuration, stepUpFactor: stepUpFactor)
        self.numberHopping = NumberHoppingRule(configuration: configuration, stepUpFactor: stepUpFactor)
        self.escalation = EscalationLadder(
            configuration: configuration.escalation, maxTrackedKeys: configuration.maxTrackedKeys
        )
    }

    /// Counts one event. `isNewCall`: true for the first event the pipeline sees of a call (the
    /// pipeline dedups call ids); repeat-caller, stalking and anonymous count those, number-hopping
    /// looks at terminal events (it needs the talk time). A CDR event is both.
    ///
    /// Returns the detections this event opened or changed, usually none (an empty array does not
    /// allocate).
    package mutating func observe(_ event: CallEvent, isNewCall: Bool) -> [Detection] {
        guard isNewCall || event.isTerminal, event.caller.internalExtension == nil else { return [] }
        let targetKey = TargetKey(event.callee.key)
        if allowedTargets.contains(targetKey) { return [] }
        let number = event.caller.countedNumber
        let time = event.countedTime.microsecondsSinceEpoch
        if let number {
            // The allow lists (configuration and store alike), then a reset that came after this call.
            if allowedCallers.contains(number.value) { return [] }
            if let ends = storeAllowed[number.value], time < ends { return [] }
            if let reset = escalationResets[number.value], time < reset { return [] }
        }

        var detections: [Detection] = []
        if isNewCall {
            if let number {
                countIdentified(event, number: number, targetKey: targetKey, time: time, into: &detections)
            } else if settings.anonymous.isEnabled,
                let detection = anonymous.observe(
                    targetKey: targetKey, target: event.callee.key, time: time, callID: event.callID,
                    escalation: &escalation
                )
            {
                detections.append(detection)
            }
        }
        if settings.numberHopping.isEnabled,
            let detection = numberHopping.observe(
                event, targetKey: targetKey, time: time, number: number, customers: customers,
                escalation: &escalation
            )
        {
            detections.append(detection)
        }
        return detections
    }

    /// Takes the store's allow list and escalation resets (see ``CountingExemptions``), replacing
    /// the ones given before. A reset newer than the one known for its identity forgets that
    /// identity's offences and blocks and its repeat-caller window now. O(entries); called when
    /// the store's rules change, never per event.
    package mutating func apply(_ exemptions: CountingExemptions) {
        for (identity, time) in exemptions.escalationResets where time > (escalationResets[identity] ?? Int64.min) {
            escalation.forget(.identity(identity))
            repeatCaller.forget(identity: identity)
        }
        escalationResets = exemptions.escalationResets
        storeAllowed = exemptions.allowedNumbers
        allowedCallers = NumberList(
            numbers: settings.allowList.numbers.map(\.value), prefixes: settings.allowList.prefixes + exemptions.allowedPrefixes)
    }

    /// Drops state that can no longer matter at `now` (event time): keys whose newest call is older
    /// than their rule's window (number-hopping: its baseline period plus window), offenders without
    /// an offence within the re-offence memory, and old seen-number generations.
    package mutating func tick(now: Timestamp) {
        let time = now.microsecondsSinceEpoch
        repeatCaller.sweep(now: time)
        stalking.sweep(now: time)
        anonymous.sweep(now: time)
        numberHopping.sweep(now: time)
        escalation.sweep(before: time &- offenceMemory)
    }

    /// The largest number of keys any one rule tracks: the figure ``DetectionConfiguration/maxTrackedKeys``
    /// bounds. ``trackedKeyCounts`` has each rule's.
    package var trackedKeyCount: Int {
        let counts = trackedKeyCounts
        return max(counts.repeatCaller, counts.stalking, counts.anonymous, counts.numberHopping, counts.offenders)
    }

    /// How many keys each rule tracks now.
    package var trackedKeyCounts: TrackedKeyCounts {
        TrackedKeyCounts(
            repeatCaller: repeatCaller.trackedKeys, stalking: stalking.trackedKeys, anonymous: anonymous.trackedKeys,
            numberHopping: numberHopping.trackedKeys, offenders: escalation.trackedOffenders,
            seenNumbers: numberHopping.rememberedNumbers
        )
    }

    /// Repeat-caller first; a call that is part of a burst is kept out of the stalking window, and the
    /// burst's earlier calls are taken back out of it.
    private mutating func countIdentified(
        _ event: CallEvent, number: E164Number, targetKey: TargetKey, time: Int64, into detections: inout [Detection]
    ) {
        let isCustomer = customers.contains(number.value)
        var isBurst = false
        if settings.repeatCaller.isEnabled {
            let outcome = repeatCaller.observe(
                identity: number, target: event.callee.key, time: time, callID: event.callID,
                isCustomer: isCustomer, escalation: &escalation
            )
            if let detection = outcome.detection { detections.append(detection) }
            isBurst = outcome.isInEpisode
            for call in outcome.burst where call.callID != event.callID || call.time != time {
                stalking.forget(
                    identity: number.value, target: TargetKey(call.detail), time: call.time, callID: call.callID
                )
            }
        }
        guard settings.stalking.isEnabled, !isBurst else { return }
        if let detection = stalking.observe(
            identity: number, key: StalkingRule.Key(identity: number.value, target: targetKey),
            target: event.callee.key, time: time, localDay: calendar.day(of: time), callID: event.callID,
            isCustomer: isCustomer, escalation: &escalation
        ) {
            detections.append(detection)
        }
    }
}
