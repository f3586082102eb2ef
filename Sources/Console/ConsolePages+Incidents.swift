import CallModel
import CallwardenPorts
import HTTPTypes
import Hummingbird
import NIOCore
import IncidentAPI
import Incidents
import PeopleAPI

extension ConsolePages {
    /// How many incidents the list shows, and how many recent incidents the MCID page reads flags from.
    static let incidentRows = 200
    static let flagIncidents = 50

    /// `/ui/incidents`, one incident and its forms, and `/ui/mcid`.
    var incidentEndpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/ui/incidents", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readSummaries, form: false) { view, _ in
                    let incidents = try work.perform { try store.incidents(status: nil, limit: Self.incidentRows) }
                    return ConsoleHTML.response(.ok, IncidentPages.list(incidents, view: view))
                }
            },
            PeopleEndpoint(.get, "/ui/incidents/{id}", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .handleIncidents, form: false) { view, _ in
                    let id = try Self.incidentID(id)
                    guard let timeline = try work.perform({ try store.timeline(incidentID: id) }) else {
                        throw APIProblem(status: 404, field: "id", message: "no incident with id \(id)")
                    }
                    // Audited before it is shown; no audit entry, no page.
                    let entry = AuditEntry(time: clock.now(), actor: view.caller.actor, action: "incident.view", subject: "incident \(id)", detail: "console")
                    try work.perform { try store.recordAudit(entry) }
                    return ConsoleHTML.response(.ok, IncidentPages.detail(timeline, view: view, evidence: evidenceDownload != nil))
                }
            },
            PeopleEndpoint(.get, "/ui/incidents/{id}/evidence", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .handleIncidents, form: false) { view, _ in
                    let id = try Self.incidentID(id)
                    guard let evidenceDownload else {
                        throw APIProblem(status: 404, field: "evidence", message: "This listener does not export evidence; on the host: callwarden incidents export.")
                    }
                    let bundle: EvidenceDownloadFile?
                    do {
                        bundle = try evidenceDownload(id, view.caller.actor)
                    } catch let problem as APIProblem {
                        throw problem
                    } catch {
                        throw work.failure(error)
                    }
                    guard let bundle else { throw APIProblem(status: 404, field: "id", message: "no incident with id \(id)") }
                    return Response(
                        status: .ok,
                        headers: [
                            .contentType: "application/x-tar", .cacheControl: "no-store",
                            .contentDisposition: "attachment; filename=\"\(bundle.fileName)\"",
                            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                        ],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bundle.bytes)))
                }
            },
            PeopleEndpoint(.post, "/ui/incidents/{id}/status", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .handleIncidents, form: true) { view, body in
                    let id = try Self.incidentID(id)
                    guard let status = try body.string("status").flatMap(IncidentStatus.init(word:)) else {
                        throw APIProblem(status: 400, field: "status", message: "must be acknowledged, reported or closed")
                    }
                    let note = try Self.line(body, "note", maximum: IncidentChangeError.maximumTextLength) ?? ""
                    let now = clock.now()
                    _ = try Self.change { try store.changeStatus(incidentID: id, to: status, actor: view.caller.actor, note: note, at: now) }
                    return ConsoleHTML.redirect("/ui/incidents/\(id)")
                }
            },
            PeopleEndpoint(.post, "/ui/incidents/{id}/notes", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .handleIncidents, form: true) { view, body in
                    let id = try Self.incidentID(id)
                    let note = try Self.line(body, "note", maximum: IncidentChangeError.maximumTextLength) ?? ""
                    let now = clock.now()
                    try Self.change { try store.addNote(incidentID: id, actor: view.caller.actor, note: note, at: now) }
                    return ConsoleHTML.redirect("/ui/incidents/\(id)")
                }
            },
            PeopleEndpoint(.get, "/ui/mcid", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .handleIncidents, form: false) { view, _ in
                    ConsoleHTML.response(.ok, try mcidPage(candidates: [], form: ("", IncidentKind.threat.rawValue, ""), error: nil, view: view))
                }
            },
            PeopleEndpoint(.post, "/ui/mcid", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .handleIncidents, form: true) { view, body in try flag(body, view: view) }
            },
            PeopleEndpoint(.get, "/ui/prevention", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readSummaries, form: false) { view, _ in
                    ConsoleHTML.response(.ok, PreventionPage.render(try preventionFigures(), view: view))
                }
            },
            PeopleEndpoint(.get, "/ui/prevention.csv", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readSummaries, form: false) { view, _ in
                    let name = request.uri.queryParameters["table"].map(String.init) ?? "kinds"
                    guard let rows = try preventionFigures().table(name, language: view.language) else {
                        throw APIProblem(status: 400, field: "table", message: "must be kinds, hours, targets or blocks")
                    }
                    return Response(
                        status: .ok,
                        headers: [
                            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"callwarden-\(name).csv\"",
                            .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                        ],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: PreventionFigures.csv(rows))))
                }
            },
            PeopleEndpoint(.get, "/ui/audit", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readAudit, form: false) { view, _ in
                    let now = clock.now()
                    var since = now - .hours(24)
                    if let text = request.uri.queryParameters["since"] {
                        guard let parsed = AuditTime.parse(String(text), now: now) else {
                            throw APIProblem(status: 400, field: "since", message: "must be an RFC 3339 time or a duration such as 24h")
                        }
                        since = parsed
                    }
                    let entries = try work.perform { try store.auditLog(since: since, limit: AuditPage.maximumRows) }
                    return ConsoleHTML.response(.ok, AuditPage.render(entries, since: since, view: view))
                }
            },
        ]
    }

    private func preventionFigures() throws -> PreventionFigures {
        let incidents = try work.perform { try store.incidents(status: nil, limit: PreventionFigures.incidentLimit) }
        var timelines: [IncidentTimeline] = []
        for incident in incidents {
            if let timeline = try work.perform({ try store.timeline(incidentID: incident.id) }) { timelines.append(timeline) }
        }
        let since = clock.now() - .hours(24 * 7 * Int64(PreventionFigures.blockWeeks))
        let blockCalls = try work.perform { try store.callsAfterBlocks(since: since) }
        return PreventionFigures(incidents: incidents, timelines: timelines, blockCalls: blockCalls, teams: teams, time: time)
    }

    private func mcidPage(
        candidates: [MCIDCandidate], form: (extension: String, kind: String, note: String), error: String?, view: ConsoleView
    ) throws -> String {
        let incidents = try work.perform { try store.incidents(status: nil, limit: Self.flagIncidents) }
        var flags: [MCIDFlag] = []
        for incident in incidents {
            flags += try work.perform { try store.timeline(incidentID: incident.id)?.flags ?? [] }
        }
        flags.sort { $0.flaggedAt > $1.flaggedAt }
        return MCIDPage.render(flags: flags, candidates: candidates, form: form, error: error, view: view)
    }

    /// Flags the call the form names: by call id (a candidate's button), else the last call to the
    /// extension within the minutes given; several such calls are offered as candidates (409).
    private func flag(_ body: APIRequestBody, view: ConsoleView) throws -> Response {
        let kindText = try body.string("kind") ?? ""
        guard let kind = IncidentKind(rawValue: kindText) else {
            throw APIProblem(status: 400, field: "kind", message: "must be one of " + IncidentKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let note = try Self.line(body, "note", maximum: IncidentChangeError.maximumTextLength) ?? ""
        let extensionText = try Self.line(body, "extension", maximum: 64) ?? ""
        let selector: MCIDCallSelector
        if let callID = try Self.line(body, "call_id", maximum: 256) {
            selector = .callID(callID)
        } else {
            let minutes = Int64(try body.string("within_minutes") ?? "10") ?? 0
            guard (1...1_440).contains(minutes) else {
                throw APIProblem(status: 400, field: "within_minutes", message: "must be a whole number of minutes 1–1440")
            }
            guard !extensionText.isEmpty else { throw APIProblem(status: 400, field: "extension", message: "is required") }
            selector = .lastCall(toExtension: extensionText, within: .minutes(minutes))
        }
        let request = MCIDRequest(call: selector, kind: kind, actor: view.caller.actor, note: note, time: clock.now(), latestOfSeveral: false)
        if let problem = request.problem() { throw Self.problem(problem) }
        do {
            let outcome = try store.flagMaliciousCall(request, crisisLine: nil)
            return ConsoleHTML.redirect("/ui/incidents/\(outcome.incident.id)")
        } catch let ambiguous as MCIDAmbiguousCall {
            let html = try mcidPage(candidates: ambiguous.candidates, form: (extensionText, kind.rawValue, note), error: nil, view: view)
            return ConsoleHTML.response(.conflict, html)
        } catch let error as IncidentChangeError {
            throw Self.problem(error)
        } catch {
            throw work.failure(error)
        }
    }

    static func incidentID(_ text: String?) throws(APIProblem) -> Int64 {
        guard let id = text.flatMap(Int64.init), id > 0 else { throw APIProblem(status: 400, field: "id", message: "must be an incident id") }
        return id
    }

    /// Runs an incident change, its refusal as the problem that names the field.
    @discardableResult
    static func change<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as IncidentChangeError {
            throw problem(error)
        }
    }

    static func problem(_ error: IncidentChangeError) -> APIProblem {
        switch error {
        case .notFound: APIProblem(status: 404, field: "id", message: error.description)
        case .invalidTransition: APIProblem(status: 409, field: "status", message: error.description)
        case .invalidField(let field, _): APIProblem(status: 400, field: field, message: error.description)
        }
    }
}
