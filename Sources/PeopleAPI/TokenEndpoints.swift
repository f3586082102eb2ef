package import CallModel
package import CallwardenPorts
import Hummingbird
import IncidentAPI

/// Token management for admins over HTTP, the same as `callwarden tokens`:
///
/// - `GET /v1/tokens`: every token (never its secret), revoked ones with their time.
/// - `POST /v1/tokens` (`name`, `role`): 201 with the new token's text, shown this once.
/// - `DELETE /v1/tokens/{name}`: revokes it; its next request is refused.
package struct TokenEndpoints: Sendable {
    package var store: any AccessTokenStore
    package var clock: WallClock
    package var work: EndpointWork

    package init(store: any AccessTokenStore, clock: WallClock, work: EndpointWork) {
        self.store = store
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/v1/tokens", .token(.manageTokens)) { request, _, _, _ in
                await work.json(request, readsBody: false) { _ in
                    let tokens = try work.perform { try store.tokens() }
                    return (200, ["tokens": tokens.map(Self.json)])
                }
            },
            PeopleEndpoint(.post, "/v1/tokens", .token(.manageTokens)) { request, _, _, caller in
                await work.json(request) { body in
                    let name = try body.requiredString("name")
                    guard AccessTokenName.isValid(name) else {
                        throw APIProblem(status: 400, field: "name", message: "must be 1–64 of a-z A-Z 0-9 . _ -")
                    }
                    guard let role = AccessRole(rawValue: try body.requiredString("role")) else {
                        throw APIProblem(status: 400, field: "role", message: "must be viewer, ops, security, admin or pbx")
                    }
                    let now = clock.now()
                    let token: AccessTokenText
                    do {
                        token = try AccessTokenIssuer.issue(name: name, role: role, actor: caller!.actor, at: now, store: store)
                    } catch let error as AccessTokenError {
                        throw APIProblem(status: 409, field: "name", message: error.description)
                    } catch {
                        throw work.failure(error)
                    }
                    return (201, ["name": name, "role": role.rawValue, "token": token.text])
                }
            },
            PeopleEndpoint(.delete, "/v1/tokens/{name}", .token(.manageTokens)) { request, _, name, caller in
                await work.json(request, readsBody: false) { _ in
                    let name = name ?? ""
                    let now = clock.now()
                    guard try work.perform({ try store.revokeToken(name: name, actor: caller!.actor, at: now) }) else {
                        throw APIProblem(status: 404, field: "name", message: "no live token with this name")
                    }
                    return (200, ["revoked": name])
                }
            },
        ]
    }

    static func json(_ token: StoredAccessToken) -> [String: Any] {
        var json: [String: Any] = [
            "name": token.name, "role": token.role.rawValue, "created_at": token.createdAt.rfc3339, "created_by": token.createdBy,
        ]
        if let revoked = token.revokedAt { json["revoked_at"] = revoked.rfc3339 }
        return json
    }
}
