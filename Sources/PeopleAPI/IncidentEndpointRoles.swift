package import CallModel
package import CallwardenPorts
import HTTPTypes
import Hummingbird
package import IncidentAPI

/// The incident endpoints of `IncidentAPI` with the permission each needs: the list of summaries
/// for every reader (identities masked except for security), everything else for security. A view
/// of an incident's detail is audited (`incident.view`) before it is sent; when the audit entry
/// cannot be written the detail is not sent either.
package enum IncidentEndpointRoles {
    package static func permission(_ operation: IncidentOperation) -> Permission {
        switch operation {
        case .listIncidents: .readSummaries
        case .flagCall, .withdrawFlag, .showIncident, .changeStatus, .addNote, .attachRecording: .handleIncidents
        }
    }

    package static func endpoints(
        _ routes: IncidentRoutes, audit: any AccessTokenStore, clock: WallClock, work: EndpointWork
    ) -> [PeopleEndpoint] {
        routes.endpoints.map { endpoint in
            PeopleEndpoint(endpoint.method, endpoint.path, .token(permission(endpoint.operation))) { request, _, id, caller in
                let caller = caller!
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
