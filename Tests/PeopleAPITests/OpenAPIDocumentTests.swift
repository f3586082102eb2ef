import Foundation
import SQLiteStore
import HTTPTypes
import PeopleAPI
import Testing
import Yams

@Suite("docs/openapi.yaml is kept true")
struct OpenAPIDocumentTests {
    static var documentPath: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("docs/openapi.yaml").path
    }

    /// `METHOD /path` of every operation in the document, and each one's `x-permission`.
    static func documented() throws -> [String: String] {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: [String: String] = [:]
        for (path, item) in paths {
            for (method, operation) in (item as? [String: Any]) ?? [:] where method != "parameters" {
                operations[method.uppercased() + " " + path] = ((operation as? [String: Any])?["x-permission"] as? String) ?? "-"
            }
        }
        return operations
    }

    @Test("the OpenAPI document lists exactly the routes served, each token route with its permission")
    func everyRouteServedIsDocumentedAndBack() async throws {
        let documented = try Self.documented()
        try await PeopleServer.with { server in
            #expect(Set(server.served) == Set(documented.keys), "served, not documented: \(Set(server.served).subtracting(documented.keys).sorted()); documented, not served: \(Set(documented.keys).subtracting(server.served).sorted())")
            for endpoint in server.endpoints {
                guard case .token(let permission) = endpoint.access else { continue }
                #expect(documented["\(endpoint.method.rawValue) \(endpoint.path)"] == permission.rawValue, "\(endpoint.method) \(endpoint.path)")
            }
        }
    }
}
