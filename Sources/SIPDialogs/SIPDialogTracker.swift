package import CallModel
package import SIPParsing

/// Turns SIP messages into call events, one INVITE dialog at a time (protocols.md §6.4).
///
/// - A call starts with an INVITE without To-tag and is keyed by Call-ID + From-tag; messages the
///   callee sends (its BYE) are found by their To-tag. Re-INVITEs are not new calls.
/// - Events: `started` (INVITE), `ringing` (first 101–199), `answered` (first 2xx), then `ended`
///   at a BYE (disposition answered, talk time from the 2xx), or a terminal failure from the final
///   status (``SIPDisposition``: 486 busy, 480/408 no answer, 403/603 rejected, 487 cancelled, 503
///   congestion, other 4xx–6xx failed). A BYE before any answer is a cancel. 401/407 and 3xx wait
///   for the caller's next INVITE in the same call.
/// - A message seen again is counted once: on the same path as a retransmission, on another path
///   (a proxy's other leg, a fork) as a copy (``SIPMessageHistory``). Events only happen on
///   transitions, so a second 180 or 200 from another fork changes nothing either.
/// - Timeouts run on capture time: call ``tick(now:into:)`` with the newest capture time (each
///   message's time is a good driver). A dialog that goes quiet past its timeout
///   (``SIPDialogTrackerConfiguration``) ends with disposition `unknown` (`cancelled` when a CANCEL
///   was seen). Timed-out dialogs are reported in the order they started.
/// - Memory: at most ``SIPDialogTrackerConfiguration/maximumDialogs`` dialogs; at the limit the
///   dialog that started earliest is closed early (``SIPDialogEvent/Cause/evicted``).
///
/// Deliberately not handled: calls without an INVITE in the capture (they are counted in
/// ``SIPDialogCounters/outsideCalls``), B2BUAs that change the Call-ID between legs (each leg is a
/// call of its own), Session-Expires (an answered call lives until ``SIPDialogTrackerConfiguration/answeredTimeout``
/// of silence), MCID INFO requests, and REGISTER bindings.
package struct SIPDialogTracker: Sendable {
    package let configuration: SIPDialogTrackerConfiguration
    package private(set) var counters = SIPDialogCounters()

    private let identityReader: SIPIdentityReader
    private let resolver: SIPCallerResolver
    private var dialogs: [SIPDialogKey: SIPDialogState] = [:]
    /// Dialogs in the order they started, for eviction; entries of removed dialogs are skipped and
    /// compacted away.
    private var creationOrder: [(key: SIPDialogKey, serial: UInt64)] = []
    private var creationOrderHead = 0
    private var nextSerial: UInt64 = 0
    /// The earliest capture time at which some dialog may time out.
    private var nextDeadline: Timestamp?
    private var lastSweep: Timestamp?

    package init(configuration: SIPDialogTrackerConfiguration) {
        self.configuration = configuration
        self.identityReader = SIPIdentityReader(plan: configuration.plan)
        self.resolver = SIPCallerResolver(plan: configuration.plan, trust: configuration.trust)
    }

    /// Dialogs held now (open and recently finished).
    package var dialogCount: Int { dialogs.count }

    // MARK: - Messages

    /// Parses `bytes` as one SIP message and processes it; bytes that do not parse are counted in
    /// ``SIPDialogCounters/malformed``.
    package mutating func process(bytes: [UInt8], transport: SIPTransportInfo, into events: inout [SIPDialogEvent]) {
        do {
            process(try SIPMessage(bytes: bytes, truncatedBody: .keep), transport: transport, into: &events)
        } catch {
            counters.messages += 1
            counters.malformed += 1
        }
    }

    /// Parses `bytes` (copied once) as one SIP message and processes it.
    package mutating func process(
        bytes: some Collection<UInt8>, transport: SIPTransportInfo, into events: inout [SIPDialogEvent]
    ) {
        process(bytes: Array(bytes), transport: transport, into: &events)
    }

    /// Processes one message; appends the call events it causes to `events`.
    package mutating func process(
        _ message: SIPMessage, transport: SIPTransportInfo, into events: inout [SIPDialogEvent]
    ) {
        counters.messages += 1
        guard let callIDRange = message.callIDRange, let cseq = message.cseq, let from = message.from else {
            counters.missingHeaders += 1
            return
        }
        let bytes = message.bytes
        let fromTag = from.tag(in: message) ?? callIDRange.lowerBound..<callIDRange.lowerBound
        let toTag = message.to?.tag(in: message)
        let method = message.method ?? cseq.method
        let callID = bytes[callIDRange]

        var key = SIPDialogKey(callID: callID, tag: bytes[fromTag])
        var index = dialogs.index(forKey: key)
        var fromCallee = false
        if index == nil, let toTag {
            let reversed = SIPDialogKey(callID: callID, tag: bytes[toTag])
            if let found = dialogs.index(forKey: reversed) {
                key = reversed
                index = found
                fromCallee = true
            }
        }
        let fingerprint = Self.fingerprint(message, method: method, cseq: cseq, fromCallee: fromCallee)
        let path = Self.path(transport)
        guard let index else {
            if message.isRequest, method == .invite, toTag == nil {
                startDialog(
                    message, key: key, callIDRange: callIDRange, cseq: cseq, transport: transport,
                    fingerprint: fingerprint, path: path, into: &events)
            } else {
                counters.outsideCalls += 1
            }
            return
        }

        let time = transport.time
        switch dialogs.values[index].history.record(fingerprint: fingerprint, path: path) {
        case .retransmission:
            counters.retransmissions += 1
            return
        case .copyFromOtherLeg:
            counters.copiesFromOtherLegs += 1
            return
        case .first:
            break
        }
        dialogs.values[index].lastActivity = Swift.max(dialogs.values[index].lastActivity, time)
        let eventsBefore = events.count
        if let status = message.statusCode {
            if method == .invite {
                dialogs.values[index].handleInviteResponse(status: status, cseq: cseq.number, time: time, into: &events)
            }
        } else {
            dialogs.values[index].handleRequest(
                method, cseq: cseq.number, hasToTag: toTag != nil, time: time, into: &events)
        }
        if events.count > eventsBefore {
            counters.producedEvent += 1
        } else {
            counters.inDialogWithoutEvent += 1
        }
        schedule(dialogs.values[index].deadline(configuration))
    }

    private mutating func startDialog(
        _ message: SIPMessage, key: SIPDialogKey, callIDRange: Range<Int>, cseq: SIPCSeq, transport: SIPTransportInfo,
        fingerprint: UInt64, path: UInt64, into events: inout [SIPDialogEvent]
    ) {
        if dialogs.count >= configuration.maximumDialogs { evictOldest(now: transport.time, into: &events) }
        let identity = identityReader.read(message)
        var state = SIPDialogState(
            serial: nextSerial, callID: message.text(callIDRange), phase: .calling, phaseSince: transport.time,
            lastActivity: transport.time, started: transport.time, inviteSequence: cseq.number,
            caller: resolver.caller(identity, source: transport.source.address), callee: resolver.callee(identity))
        nextSerial += 1
        _ = state.history.record(fingerprint: fingerprint, path: path)
        dialogs[key] = state
        creationOrder.append((key, state.serial))
        counters.dialogsStarted += 1
        counters.producedEvent += 1
        events.append(SIPDialogEvent(event: state.event(.started, at: transport.time)))
        schedule(state.deadline(configuration))
    }

    // MARK: - Time

    /// Closes the dialogs whose timeout has passed at capture time `now` and forgets finished
    /// ones after their linger time. Cheap to call per message: it does work at most once per
    /// ``SIPDialogTrackerConfiguration/sweepInterval`` and only when some deadline is due.
    package mutating func tick(now: Timestamp, into events: inout [SIPDialogEvent]) {
        guard let due = nextDeadline, now >= due else { return }
        if let lastSweep, now < lastSweep + configuration.sweepInterval { return }
        lastSweep = now
        sweep(now: now, everything: false, into: &events)
    }

    /// Closes every open dialog now, as timed out (the end of a replayed capture), and forgets all.
    package mutating func expireAll(at now: Timestamp, into events: inout [SIPDialogEvent]) {
        sweep(now: now, everything: true, into: &events)
        dialogs.removeAll()
        creationOrder.removeAll()
        creationOrderHead = 0
        nextDeadline = nil
    }

    private mutating func sweep(now: Timestamp, everything: Bool, into events: inout [SIPDialogEvent]) {
        var expired: [(serial: UInt64, key: SIPDialogKey)] = []
        var earliest: Timestamp?
        var index = dialogs.startIndex
        while index != dialogs.endIndex {
            let deadline = dialogs.values[index].deadline(configuration)
            if everything || deadline <= now {
                expired.append((dialogs.values[index].serial, dialogs.keys[index]))
            } else {
                earliest = Swift.min(earliest ?? deadline, deadline)
            }
            dialogs.formIndex(after: &index)
        }
        expired.sort { $0.serial < $1.serial }
        for (_, key) in expired {
            guard let index = dialogs.index(forKey: key) else { continue }
            if dialogs.values[index].phase == .finished {
                dialogs.remove(at: index)
                continue
            }
            dialogs.values[index].close(at: now, cause: .timeout, into: &events)
            counters.dialogsTimedOut += 1
            let lingerEnd = dialogs.values[index].deadline(configuration)
            earliest = Swift.min(earliest ?? lingerEnd, lingerEnd)
        }
        nextDeadline = earliest
        compactCreationOrder()
    }

    private mutating func schedule(_ deadline: Timestamp) {
        nextDeadline = Swift.min(nextDeadline ?? deadline, deadline)
    }

    // MARK: - Memory bound

    /// Closes and forgets the dialog that started earliest.
    private mutating func evictOldest(now: Timestamp, into events: inout [SIPDialogEvent]) {
        while creationOrderHead < creationOrder.count {
            let entry = creationOrder[creationOrderHead]
            creationOrderHead += 1
            guard let index = dialogs.index(forKey: entry.key), dialogs.values[index].serial == entry.serial else {
                continue
            }
            dialogs.values[index].close(at: now, cause: .evicted, into: &events)
            dialogs.remove(at: index)
            counters.dialogsEvicted += 1
            compactCreationOrder()
            return
        }
    }

    /// Drops the skipped front of ``creationOrder`` and, when removed dialogs dominate it, their
    /// entries, so it stays within a small multiple of the dialogs held.
    private mutating func compactCreationOrder() {
        if creationOrderHead > 1_024, creationOrderHead * 2 > creationOrder.count {
            creationOrder.removeFirst(creationOrderHead)
            creationOrderHead = 0
        }
        if creationOrder.count - creationOrderHead > 2 * dialogs.count + 1_024 {
            creationOrder = creationOrder[creationOrderHead...].filter { dialogs[$0.key]?.serial == $0.serial }
            creationOrderHead = 0
        }
    }

    // MARK: - Fingerprints

    private static func fingerprint(_ message: SIPMessage, method: SIPMethod, cseq: SIPCSeq, fromCallee: Bool) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(message.statusCode ?? 0)
        hasher.combine(method)
        hasher.combine(cseq.number)
        hasher.combine(fromCallee)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    private static func path(_ transport: SIPTransportInfo) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(transport.source)
        hasher.combine(transport.destination)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }
}
