package import CallModel
package import CallwardenPorts
package import Hummingbird
package import IncidentAPI

/// `GET /v1/calls?number=&extension=&since=&until=&limit=100&offset=0` (every reader): calls by the
/// caller's number (any form the number plan reads), the extension called (or calling), and the
/// start's range (`since`, `until`: RFC 3339 or a duration back from now; `since` 7 days back by
/// default), newest first, `next_offset` while there are more.
///
/// Numbers and display names are shown only to security (the role that sees withheld callers);
/// every other role gets numbers masked, no display name, and `withheld` for a withheld caller,
/// and its number search does not find withheld calls by their asserted identity. A search whose
/// answer shows numbers is audited (`calls.search`, the searched number masked in the entry)
/// before it is sent; when the entry cannot be written nothing is sent.
package struct CallSearchEndpoints: Sendable {
    package var store: any CallSearchStore & AccessTokenStore
    package var plan: NumberPlan
    package var clock: WallClock
    package var work: EndpointWork

    /// How far back a search goes without `since`.
    package static let defaultRange = TimeSpan.hours(24 * 7)

    package init(store: any CallSearchStore & AccessTokenStore, plan: NumberPlan, clock: WallClock, work: EndpointWork) {
        self.store = store
        self.plan = plan
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/v1/calls", .token(.readSummaries)) { request, _, _, caller in
                await work.json(request, readsBody: false) { _ in
                    let query = try query(request.uri.queryParameters, caller!)
                    let (calls, more) = try search(query, caller!)
                    var json: [String: Any] = ["calls": calls.map { Self.json($0, caller!) }]
                    if more { json["next_offset"] = query.offset + calls.count }
                    return (200, json)
                }
            },
        ]
    }

    /// The query the parameters ask for; each refusal names its field.
    package func query(_ parameters: Parameters, _ caller: AuthenticatedCaller) throws(APIProblem) -> CallQuery {
        let now = clock.now()
        var query = CallQuery(since: now - Self.defaultRange)
        query.limit = try QueryValues.int(parameters, "limit", default: 100, range: 1...1_000)
        query.offset = try QueryValues.int(parameters, "offset", default: 0, range: 0...1_000_000)
        if let text = parameters["number"], !text.isEmpty {
            guard text.unicodeScalars.count <= 64, let number = plan.normalise(String(text)).e164 else {
                throw APIProblem(status: 400, field: "number", message: "is not a phone number")
            }
            query.number = number
            query.matchesAssertedIdentity = caller.may(.seeWithheldIdentities)
        }
        if let text = parameters["extension"], !text.isEmpty {
            guard text.unicodeScalars.count <= 64, !InertText.containsControl(String(text)) else {
                throw APIProblem(status: 400, field: "extension", message: "must be at most 64 characters without control characters")
            }
            query.extensionKey = String(text)
        }
        if let text = parameters["since"], !text.isEmpty {
            guard let time = AuditTime.parse(String(text), now: now) else {
                throw APIProblem(status: 400, field: "since", message: "must be an RFC 3339 time or a duration such as 24h")
            }
            query.since = time
        }
        if let text = parameters["until"], !text.isEmpty {
            guard let time = AuditTime.parse(String(text), now: now) else {
                throw APIProblem(status: 400, field: "until", message: "must be an RFC 3339 time or a duration such as 24h")
            }
            guard time > query.since else { throw APIProblem(status: 400, field: "until", message: "must be after since") }
            query.until = time
        }
        return query
    }

    /// Runs `query`, audited first when the answer shows numbers; the page and whether there are more.
    package func search(_ query: CallQuery, _ caller: AuthenticatedCaller) throws(APIProblem) -> ([CallSummary], Bool) {
        let found = try work.perform { try store.searchCalls(query) }
        let page = Array(found.prefix(query.limit))
        if Self.showsNumbers(caller) {
            var detail = [
                query.number.map { "number=" + $0.masked }, query.extensionKey.map { "extension=" + InertText.line($0) },
                "since=" + query.since.rfc3339, query.until.map { "until=" + $0.rfc3339 },
            ].compactMap { $0 }.joined(separator: " ")
            detail += ": \(page.count) calls"
            let entry = AuditEntry(time: clock.now(), actor: caller.actor, action: "calls.search", subject: "calls", detail: detail)
            try work.perform { try store.recordAudit(entry) }
        }
        return (page, found.count > query.limit)
    }

    /// Whether `caller` sees callers' numbers and names in a search: security only.
    package static func showsNumbers(_ caller: AuthenticatedCaller) -> Bool { caller.may(.seeWithheldIdentities) }

    /// What `caller` may see of a call's caller: the number, `withheld`, or a masked number.
    package static func callerText(_ identity: CallerIdentity, _ caller: AuthenticatedCaller) -> String {
        let whole = showsNumbers(caller)
        if identity.presentationRestricted {
            guard whole, let asserted = identity.assertedIdentity ?? identity.number else { return "withheld" }
            return "withheld (" + asserted.description + ")"
        }
        if let number = identity.number { return whole ? number.description : number.masked }
        if let internalExtension = identity.internalExtension { return internalExtension }
        return whole ? identity.raw : "unidentified"
    }

    static func json(_ call: CallSummary, _ caller: AuthenticatedCaller) -> [String: Any] {
        var json: [String: Any] = [
            "call_id": call.callID, "start": call.start.rfc3339, "caller": callerText(call.caller, caller), "extension": call.callee,
            "events": call.events,
        ]
        if let disposition = call.disposition { json["disposition"] = disposition.rawValue }
        if let decision = call.decision { json["decision"] = decision }
        if showsNumbers(caller), let name = call.caller.displayName { json["display_name"] = name }
        return json
    }
}
