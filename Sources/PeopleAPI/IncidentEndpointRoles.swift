package import CallModel
package import CallwardenPorts
import HTTPTypes
import Hummingbird
package import IncidentAPI

/// The incident endpoints of `IncidentAPI` with the permission each needs: the list of summaries
/// for every reader (identities masked except for security), everything else for security. A view
/// of an incident's detail is audited (`incident.view`) before it is sent; when the audit entry
/// cannot be written the detail is not sent either.
///
/// A PBX's credential (role `pbx`) may only raise MCID flags, and is the only one that may send
/// the flag form-encoded (what a dialplan's HTTP call sends; a person's client sends JSON, 415
/// otherwise). Its flag may ask for a block or redirect with it, as the shipped feature codes do
/// (`*393`): that is part of the flag, not rule management.
package enum IncidentEndpointRoles {
    package static func permission(_ operation: IncidentOperation) -> Permission {
        switch operation {
        case .listIncidents: .readSummaries
        case .flagCall: .flagCalls
        case .withdrawFlag, .showIncident, .changeStatus, .addNote, .attachRecording: .handleIncidents
        }
    }

    package static func endpoints(
        _ routes: IncidentRoutes, audit: any AccessTokenStore, clock: WallClock, work: EndpointWork
    ) -> [PeopleEndpoint] {
        routes.endpoints.map { endpoint in
            PeopleEndpoint(endpoint.method, endpoint.path, .token(permission(endpoint.operation))) { request, _, id, caller in
                let caller = caller!
                if endpoint.operation == .flagCall, caller.role != .pbx,
                    request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
                {
                    return PeopleJSON.problem(APIProblem(
                        status: 415, field: "content-type", message: "a form-encoded flag is for PBX credentials; send JSON"))
                }
                let response = await endpoint.respond(request, id, caller.incidentCaller)
                guard endpoint.operation == .showIncident, response.status == .ok else { return response }
                let entry = AuditEntry(time: clock.now(), actor: caller.actor, action: "incident.view", subject: "incident \(id ?? "")", detail: "")
                do {
                    try await withTaskExecutorPreference(work.storeExecutor) { try audit.recordAudit(entry) }
                    return response
                } catch {
                    return PeopleJSON.problem(work.failure(error))
                }
            }
        }
    }
}
