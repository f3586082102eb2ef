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
/// - Cost per message is O(1): dialogs live in slots found by a hash of the message's own Call-ID
///   and tag bytes (nothing is built to look one up), and timeouts come from a time-ordered
///   queue (``SIPDeadlineQueue``), so a sweep touches only the dialogs that are due.
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
    /// Dialog states; nil slots are free (``freeSlots``).
    private var slots: [SIPDialogState?] = []
    private var freeSlots: [Int] = []
    /// Key hash → the first slot of its chain (``SIPDialogState/nextInBucket``).
    private var buckets = SIPBucketIndex()
    private var held = 0
    /// Dialogs in the order they started, for eviction; entries of removed dialogs are skipped and
    /// compacted away.
    private var creationOrder: [(slot: Int, serial: UInt64)] = []
    private var creationOrderHead = 0
    private var nextSerial: UInt64 = 0
    private var deadlines = SIPDeadlineQueue()
    private var nextTicket: UInt64 = 1
    /// The earliest capture time at which some dialog may time out.
    private var nextDeadline: Timestamp?
    private var lastSweep: Timestamp?

    package init(configuration: SIPDialogTrackerConfiguration) {
        self.configuration = configuration
        self.identityReader = SIPIdentityReader(plan: configuration.plan)
        self.resolver = SIPCallerResolver(plan: configuration.plan, trust: configuration.trust)
    }

    /// Dialogs held now (open and recently finished).
    package var dialogCount: Int { held }

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
        guard let callIDRange = message.callIDRange, let cseq = message.cseq,
            let fromParameters = message.nameAddressParameters(.from)
        else {
            counters.missingHeaders += 1
            return
        }
        let bytes = message.bytes
        let fromTag = message.tag(inParameters: fromParameters) ?? callIDRange.lowerBound..<callIDRange.lowerBound
        let method = message.method ?? cseq.method
        // The dialog by the caller's tag, else (a message the callee sent) by the To-tag; hashed
        // and compared on the message's own bytes.
        var callerHash: UInt64 = 0
        var found: Int?
        var fromCallee = false
        bytes.withUnsafeBytes { raw in
            let callID = UnsafeRawBufferPointer(rebasing: raw[callIDRange])
            let callerTag = UnsafeRawBufferPointer(rebasing: raw[fromTag])
            callerHash = SIPDialogKey.hash(callID: callID, tag: callerTag)
            found = slot(callID: callID, tag: callerTag, hash: callerHash)
        }
        // The To-tag is read only where it is used: the callee's lookup, a new call's check and a
        // request's transition. A response found by the caller's tag (most of them) skips To.
        var toTag: Range<Int>?
        if found == nil || message.isRequest {
            toTag = message.nameAddressParameters(.to).flatMap { message.tag(inParameters: $0) }
        }
        if found == nil, let toTag {
            bytes.withUnsafeBytes { raw in
                let callID = UnsafeRawBufferPointer(rebasing: raw[callIDRange])
                let calleeTag = UnsafeRawBufferPointer(rebasing: raw[toTag])
                if let slot = slot(callID: callID, tag: calleeTag, hash: SIPDialogKey.hash(callID: callID, tag: calleeTag)) {
                    found = slot
                    fromCallee = true
                }
            }
        }
        let fingerprint = Self.fingerprint(message, method: method, cseq: cseq, fromCallee: fromCallee)
        let path = Self.path(transport)
        guard let slot = found else {
            if message.isRequest, method == .invite, toTag == nil {
                startDialog(
                    message, key: SIPDialogKey(callID: bytes[callIDRange], tag: bytes[fromTag]), keyHash: callerHash,
                    callIDRange: callIDRange, cseq: cseq, transport: transport, fingerprint: fingerprint, path: path,
                    into: &events)
            } else {
                counters.outsideCalls += 1
            }
            return
        }

        let time = transport.time
        switch slots[slot]!.history.record(fingerprint: fingerprint, path: path) {
        case .retransmission:
            counters.retransmissions += 1
            return
        case .copyFromOtherLeg:
            counters.copiesFromOtherLegs += 1
            return
        case .first:
            break
        }
        slots[slot]!.lastActivity = Swift.max(slots[slot]!.lastActivity, time)
        let eventsBefore = events.count
        if let status = message.statusCode {
            if method == .invite {
                slots[slot]!.handleInviteResponse(status: status, cseq: cseq.number, time: time, into: &events)
            }
        } else {
            slots[slot]!.handleRequest(method, cseq: cseq.number, hasToTag: toTag != nil, time: time, into: &events)
        }
        if events.count > eventsBefore {
            counters.producedEvent += 1
        } else {
            counters.inDialogWithoutEvent += 1
        }
        reschedule(slot)
    }

    private mutating func startDialog(
        _ message: SIPMessage, key: SIPDialogKey, keyHash: UInt64, callIDRange: Range<Int>, cseq: SIPCSeq,
        transport: SIPTransportInfo, fingerprint: UInt64, path: UInt64, into events: inout [SIPDialogEvent]
    ) {
        if held >= configuration.maximumDialogs { evictOldest(now: transport.time, into: &events) }
        let identity = identityReader.read(message)
        var state = SIPDialogState(
            serial: nextSerial, key: key, keyHash: keyHash, callID: message.text(callIDRange), phase: .calling,
            phaseSince: transport.time, lastActivity: transport.time, started: transport.time,
            inviteSequence: cseq.number, caller: resolver.caller(identity, source: transport.source.address, relayedBy: transport.relayedBy),
            callee: resolver.callee(identity))
        nextSerial += 1
        _ = state.history.record(fingerprint: fingerprint, path: path)
        let serial = state.serial
        let event = state.event(.started, at: transport.time)
        let slot = insert(state)
        creationOrder.append((slot, serial))
        counters.dialogsStarted += 1
        counters.producedEvent += 1
        events.append(SIPDialogEvent(event: event))
        reschedule(slot)
    }

    // MARK: - Slots

    /// The slot of the dialog keyed by (`callID`, `tag`), whose ``SIPDialogKey/hash(callID:tag:)`` is `hash`.
    private func slot(callID: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        var candidate = buckets[hash] ?? -1
        while candidate >= 0 {
            if slots[candidate]!.key.matches(callID: callID, tag: tag) { return candidate }
            candidate = slots[candidate]!.nextInBucket
        }
        return nil
    }

    private mutating func insert(_ state: SIPDialogState) -> Int {
        var state = state
        state.nextInBucket = buckets[state.keyHash] ?? -1
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = state
        } else {
            slot = slots.count
            slots.append(state)
        }
        buckets.set(state.keyHash, slot)
        held += 1
        return slot
    }

    private mutating func remove(slot: Int) {
        let hash = slots[slot]!.keyHash
        let next = slots[slot]!.nextInBucket
        if buckets[hash] == slot {
            if next >= 0 { buckets.set(hash, next) } else { buckets.remove(hash) }
        } else {
            var previous = buckets[hash] ?? -1
            while previous >= 0 {
                let after = slots[previous]!.nextInBucket
                if after == slot {
                    slots[previous]!.nextInBucket = next
                    break
                }
                previous = after
            }
        }
        slots[slot] = nil
        freeSlots.append(slot)
        held -= 1
    }

    // MARK: - Time

    /// Closes the dialogs whose timeout has passed at capture time `now` and forgets finished
    /// ones after their linger time. Cheap to call per message: it does work at most once per
    /// ``SIPDialogTrackerConfiguration/sweepInterval`` and only when some deadline is due, and
    /// then only on the dialogs that are due.
    package mutating func tick(now: Timestamp, into events: inout [SIPDialogEvent]) {
        guard let due = nextDeadline, now >= due else { return }
        if let lastSweep, now < lastSweep + configuration.sweepInterval { return }
        lastSweep = now
        sweep(now: now, into: &events)
    }

    /// Closes every open dialog now, as timed out (the end of a replayed capture), and forgets all.
    package mutating func expireAll(at now: Timestamp, into events: inout [SIPDialogEvent]) {
        var expired: [(serial: UInt64, slot: Int)] = []
        for slot in slots.indices { if let state = slots[slot] { expired.append((state.serial, slot)) } }
        expired.sort { $0.serial < $1.serial }
        for (_, slot) in expired where slots[slot]!.phase != .finished {
            slots[slot]!.close(at: now, cause: .timeout, into: &events)
            counters.dialogsTimedOut += 1
        }
        slots.removeAll()
        freeSlots.removeAll()
        buckets.removeAll()
        held = 0
        deadlines.removeAll()
        creationOrder.removeAll()
        creationOrderHead = 0
        nextDeadline = nil
    }

    /// Closes or forgets the dialogs due at `now`, in the order they started.
    private mutating func sweep(now: Timestamp, into events: inout [SIPDialogEvent]) {
        var expired: [(serial: UInt64, slot: Int)] = []
        while let entry = settledFirstDeadline(), entry.deadline <= now {
            deadlines.popFirst()
            slots[entry.slot]!.deadlineTicket = 0
            expired.append((slots[entry.slot]!.serial, entry.slot))
        }
        expired.sort { $0.serial < $1.serial }
        for (_, slot) in expired {
            if slots[slot]!.phase == .finished {
                remove(slot: slot)
                continue
            }
            slots[slot]!.close(at: now, cause: .timeout, into: &events)
            counters.dialogsTimedOut += 1
            reschedule(slot, announce: false)
        }
        nextDeadline = settledFirstDeadline()?.deadline
        compactCreationOrder()
    }

    /// Queues the dialog in `slot` at its deadline unless an entry at or before it is queued;
    /// `announce` also moves ``nextDeadline`` earlier when the deadline is.
    private mutating func reschedule(_ slot: Int, announce: Bool = true) {
        let deadline = slots[slot]!.deadline(configuration)
        if announce { nextDeadline = Swift.min(nextDeadline ?? deadline, deadline) }
        if slots[slot]!.deadlineTicket != 0, slots[slot]!.queuedDeadline <= deadline { return }
        queue(slot, at: deadline)
    }

    private mutating func queue(_ slot: Int, at deadline: Timestamp) {
        let ticket = nextTicket
        nextTicket += 1
        slots[slot]!.deadlineTicket = ticket
        slots[slot]!.queuedDeadline = deadline
        deadlines.push(.init(deadline: deadline, ticket: ticket, slot: slot))
        if deadlines.count > 2 * held + 1_024 {
            let slots = self.slots
            deadlines.keepOnly { entry in slots[entry.slot]?.deadlineTicket == entry.ticket }
        }
    }

    /// The queue's first entry once stale entries are dropped and an entry earlier than its
    /// dialog's deadline (the dialog saw traffic since) is queued again at the real deadline: the
    /// earliest deadline of any dialog held, or nil when none is held.
    private mutating func settledFirstDeadline() -> SIPDeadlineQueue.Entry? {
        while let entry = deadlines.first {
            guard entry.slot < slots.count, let state = slots[entry.slot], state.deadlineTicket == entry.ticket else {
                deadlines.popFirst()
                continue
            }
            let deadline = state.deadline(configuration)
            if deadline == entry.deadline { return entry }
            deadlines.popFirst()
            queue(entry.slot, at: deadline)
        }
        return nil
    }

    // MARK: - Memory bound

    /// Closes and forgets the dialog that started earliest.
    private mutating func evictOldest(now: Timestamp, into events: inout [SIPDialogEvent]) {
        while creationOrderHead < creationOrder.count {
            let entry = creationOrder[creationOrderHead]
            creationOrderHead += 1
            guard isLive(entry) else { continue }
            slots[entry.slot]!.close(at: now, cause: .evicted, into: &events)
            remove(slot: entry.slot)
            counters.dialogsEvicted += 1
            compactCreationOrder()
            return
        }
    }

    private func isLive(_ entry: (slot: Int, serial: UInt64)) -> Bool {
        entry.slot < slots.count && slots[entry.slot]?.serial == entry.serial
    }

    /// Drops the skipped front of ``creationOrder`` and, when removed dialogs dominate it, their
    /// entries, so it stays within a small multiple of the dialogs held.
    private mutating func compactCreationOrder() {
        if creationOrderHead > 1_024, creationOrderHead * 2 > creationOrder.count {
            creationOrder.removeFirst(creationOrderHead)
            creationOrderHead = 0
        }
        if creationOrder.count - creationOrderHead > 2 * held + 1_024 {
            creationOrder = creationOrder[creationOrderHead...].filter { isLive($0) }
            creationOrderHead = 0
        }
    }

    // MARK: - Fingerprints

    /// The message's place in its dialog, packed exactly (no hashing, so no two places collide):
    /// status code (0 for a request), CSeq number, method, and which side's tag keyed it.
    private static func fingerprint(_ message: SIPMessage, method: SIPMethod, cseq: SIPCSeq, fromCallee: Bool) -> UInt64 {
        let status = UInt64(truncatingIfNeeded: message.statusCode ?? 0) & 0x3FF
        return status << 42 | UInt64(cseq.number) << 8 | UInt64(methodOrdinal(method)) << 1 | (fromCallee ? 1 : 0)
    }

    private static func methodOrdinal(_ method: SIPMethod) -> UInt8 {
        switch method {
        case .invite: 1
        case .ack: 2
        case .bye: 3
        case .cancel: 4
        case .register: 5
        case .options: 6
        case .prack: 7
        case .update: 8
        case .info: 9
        case .subscribe: 10
        case .notify: 11
        case .refer: 12
        case .message: 13
        case .publish: 14
        case .other: 15
        }
    }

    /// Which way the message went (source and destination address and port), mixed into 64 bits.
    /// Only compared for equality within one dialog's history: a collision would count a copy from
    /// another leg as a retransmission, which changes a counter, never an event.
    private static func path(_ transport: SIPTransportInfo) -> UInt64 {
        var mixed = mix(0x9E37_79B9_7F4A_7C15, endpoint: transport.source)
        mixed = mix(mixed, endpoint: transport.destination)
        return mixed
    }

    @inline(__always)
    private static func mix(_ state: UInt64, endpoint: SIPEndpoint) -> UInt64 {
        var state = mix(state, UInt64(endpoint.port))
        switch endpoint.address {
        case .ipv4(let value):
            state = mix(state, UInt64(value) | 1 << 32)
        case .ipv6(let high, let low):
            state = mix(mix(state, high), low)
        }
        return state
    }

    /// One multiply-xorshift step (the splitmix64 finaliser) over `state` and `value`.
    @inline(__always)
    private static func mix(_ state: UInt64, _ value: UInt64) -> UInt64 {
        var z = (state ^ value) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
