package import CallModel

/// What a person searches calls by: the caller's number, an extension (called or calling), a time
/// range of the calls' start; a page of the answer.
package struct CallQuery: Hashable, Sendable {
    package var number: E164Number?
    /// Whether `number` also finds withheld calls whose asserted identity it is (security only).
    package var matchesAssertedIdentity: Bool
    package var extensionKey: String?
    /// Inclusive.
    package var since: Timestamp
    /// Exclusive; nil for no end.
    package var until: Timestamp?
    package var limit: Int
    package var offset: Int

    package init(
        number: E164Number? = nil, matchesAssertedIdentity: Bool = false, extensionKey: String? = nil, since: Timestamp,
        until: Timestamp? = nil, limit: Int = 100, offset: Int = 0
    ) {
        self.number = number
        self.matchesAssertedIdentity = matchesAssertedIdentity
        self.extensionKey = extensionKey
        self.since = since
        self.until = until
        self.limit = limit
        self.offset = offset
    }
}

/// One call found: its id, when it started, its latest stored event's caller, callee and outcome,
/// and what a decision question answered for it (when one was asked).
package struct CallSummary: Hashable, Sendable {
    package var callID: String
    package var start: Timestamp
    package var caller: CallerIdentity
    package var callee: String
    package var disposition: Disposition?
    package var decision: String?
    package var events: Int

    package init(
        callID: String, start: Timestamp, caller: CallerIdentity, callee: String, disposition: Disposition?, decision: String?, events: Int
    ) {
        self.callID = callID
        self.start = start
        self.caller = caller
        self.callee = callee
        self.disposition = disposition
        self.decision = decision
        self.events = events
    }
}

/// Call search for the people's API and console.
package protocol CallSearchStore: Sendable {
    /// Calls matching `query`, newest start first, at most `limit + 1` (so a caller can tell
    /// whether there are more), from `offset`.
    func searchCalls(_ query: CallQuery) throws -> [CallSummary]
}

/// A call from a blocked identity while its block (or redirect) was in force: when it started and
/// whether a decision stopped it (an answer of block or redirect) or it got through.
package struct CallAfterBlock: Hashable, Sendable {
    package var start: Timestamp
    package var stopped: Bool

    package init(start: Timestamp, stopped: Bool) {
        self.start = start
        self.stopped = stopped
    }
}

/// Whether blocks stopped the calls: the prevention page's figures.
package protocol BlockEffectStore: Sendable {
    /// Calls since `since` whose counted identity had a number block or redirect in force (rules in
    /// force and removed ones while they were), oldest first.
    func callsAfterBlocks(since: Timestamp) throws -> [CallAfterBlock]
}
