import PostgresNIO

/// What went wrong in the PostgreSQL store. Messages name tables and columns, never values (which
/// may be personal data).
package struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        /// The server could not be reached or the connection broke.
        case unavailable
        /// A constraint refused the write (e.g. a redirect without a target).
        case constraintViolation
        /// A stored value does not make a model value.
        case invalidData
        /// Any other error the server reported.
        case database
        /// `store.url` or its password file is wrong.
        case configuration
        /// A write made under a job lease that this holder no longer holds (``PostgresJobLease``):
        /// another node runs the job now, and the write was not made.
        case fenced
    }

    package var code: Code
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "PostgreSQL store: \(message)" }

    /// Maps an error of postgres-nio: SQLSTATE class 23 is a constraint violation; a server error
    /// keeps the server's message (which names constraints, not values); anything else (no
    /// server, a broken connection) is `.unavailable`.
    static func from(_ error: any Error) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        if let error = error as? PostgresError {
            // The simple query protocol (migrations) reports server errors this way.
            if case .server(let server) = error {
                let state = server.fields[.sqlState] ?? "?"
                let message = server.fields[.message] ?? "error"
                return PostgresStoreError(code: state.hasPrefix("23") ? .constraintViolation : .database, message: "\(message) (SQLSTATE \(state))")
            }
            return PostgresStoreError(code: .unavailable, message: "\(error)")
        }
        guard let error = error as? PSQLError else {
            return PostgresStoreError(code: .unavailable, message: "\(type(of: error))")
        }
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "error"
            let code: Code = state.hasPrefix("23") ? .constraintViolation : .database
            return PostgresStoreError(code: code, message: "\(message) (SQLSTATE \(state))")
        }
        return PostgresStoreError(code: .unavailable, message: "\(error.code)")
    }
}
