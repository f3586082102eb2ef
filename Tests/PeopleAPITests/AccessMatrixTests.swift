import CallwardenPorts
import Foundation
import SQLiteStore
import HTTPTypes
import NIOHTTP1
import PeopleAPI
import Testing

@Suite("Tokens with roles on every route of the people's listener", .serialized)
struct AccessMatrixTests {
    /// The path with its parameter filled in (a rule or incident id that may not exist, a token name).
    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "nobody")
    }

    @Test("every token route: 401 without a token or with a bad one, 403 for a role without the permission, served for one with it")
    func theWholeMatrix() async throws {
        try await PeopleServer.with { server in
            var walked = 0
            for endpoint in server.endpoints {
                guard case .token(let permission) = endpoint.access else { continue }
                let method = HTTPMethod(rawValue: endpoint.method.rawValue)
                let url = server.base + Self.concrete(endpoint.path)
                let body: String? = method == .GET ? nil : "{}"
                let anonymous = try await HTTP.send(method, url, body: body)
                #expect(anonymous.status == 401, "\(endpoint.method) \(endpoint.path) without a token")
                #expect(anonymous.json["error"] as? String == "authorization")
                let forged = try await HTTP.send(method, url, body: body, token: "cw_0123456789abcdef_" + String(repeating: "a", count: 64))
                #expect(forged.status == 401, "\(endpoint.method) \(endpoint.path) with an unknown token")
                for role in AccessRole.allCases {
                    let answer = try await HTTP.send(method, url, body: body, token: server.tokens[role])
                    if AccessPolicy.allows(role, permission) {
                        #expect(![401, 403].contains(answer.status), "\(role) may \(endpoint.method) \(endpoint.path): \(answer.status) \(answer.text)")
                    } else {
                        #expect(answer.status == 403, "\(role) may not \(endpoint.method) \(endpoint.path): \(answer.status)")
                    }
                }
                walked += 1
            }
            #expect(walked >= 20)
            // Nothing was changed by all that: the two rules are still there, no token was revoked.
            #expect(try server.store.rules(activeAt: PeopleServer.now, includeExpired: true).count == 2)
            #expect(try server.store.tokens().allSatisfy { $0.revokedAt == nil })
        }
    }

    @Test("the matrix as documented: only security sees withheld identities; only admin reads the audit log and manages tokens")
    func theMatrixAsDocumented() {
        let who = { (permission: Permission) in AccessRole.allCases.filter { AccessPolicy.allows($0, permission) } }
        #expect(who(.seeWithheldIdentities) == [.security])
        #expect(who(.handleIncidents) == [.security])
        #expect(who(.manageRules) == [.ops])
        #expect(who(.readAudit) == [.admin])
        #expect(who(.manageTokens) == [.admin])
        #expect(who(.readRules) == [.viewer, .ops, .security, .admin])
        #expect(who(.flagCalls) == [.security, .pbx])
        #expect(AccessPolicy.permissions(of: .pbx) == [.flagCalls])
        #expect(who(.seeNumbers) == [.ops, .security, .admin])
    }
}
