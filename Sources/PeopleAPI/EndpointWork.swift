import Foundation
package import Hummingbird
package import IncidentAPI
package import Logging
import NIOCore

/// What every JSON handler does around its work: read and parse the body (at most
/// ``APIRequestBody/maximumBytes``, else 413), run the work on the store's executor, and turn an
/// ``APIProblem`` into its JSON answer and any other error into a logged 500.
package struct EndpointWork: Sendable {
    package var storeExecutor: (any TaskExecutor)?
    package var logger: Logger

    package init(storeExecutor: (any TaskExecutor)?, logger: Logger) {
        self.storeExecutor = storeExecutor
        self.logger = logger
    }

    package func json(
        _ request: Request, readsBody: Bool = true, _ work: (APIRequestBody) throws -> (Int, [String: Any])
    ) async -> Response {
        do {
            let body = readsBody ? try await Self.body(of: request) : try APIRequestBody(bytes: [], contentType: nil)
            let (status, json) = try await withTaskExecutorPreference(storeExecutor) { try work(body) }
            return PeopleJSON.response(status, json)
        } catch let problem as APIProblem {
            return PeopleJSON.problem(problem)
        } catch {
            return PeopleJSON.response(500, ["error": "server", "message": "unexpected failure"])
        }
    }

    /// Runs a store call, turning its failure into a 500 that names no data (the error is logged).
    package func perform<T>(_ work: () throws -> T) throws(APIProblem) -> T {
        do {
            return try work()
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw failure(error)
        }
    }

    /// A store failure as a 500 that names no data; the error is logged (SQLite's message, never a
    /// statement's arguments).
    package func failure(_ error: any Error) -> APIProblem {
        logger.error("people API: store failure", metadata: ["error": "\(error)"])
        return APIProblem(status: 500, field: "store", message: "the store failed; see the daemon's log")
    }

    package static func body(of request: Request) async throws(APIProblem) -> APIRequestBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: APIRequestBody.maximumBytes)
        } catch {
            throw APIProblem(status: 413, field: "body", message: "is longer than \(APIRequestBody.maximumBytes) bytes")
        }
        return try APIRequestBody(bytes: Array(buffer.readableBytesView), contentType: request.headers[.contentType])
    }
}

/// Query parameters read with the field named in every refusal.
package enum QueryValues {
    package static func int(_ query: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>) throws(APIProblem) -> Int {
        guard let text = query[Substring(name)] else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw APIProblem(status: 400, field: name, message: "must be a whole number \(range.lowerBound)–\(range.upperBound)")
        }
        return parsed
    }

    package static func bool(_ query: Parameters, _ name: String) throws(APIProblem) -> Bool {
        guard let text = query[Substring(name)] else { return false }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no", "": return false
        default: throw APIProblem(status: 400, field: name, message: "must be true or false")
        }
    }
}
