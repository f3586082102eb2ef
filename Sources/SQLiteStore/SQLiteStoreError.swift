import GRDB

/// An error from ``SQLiteStore``: what went wrong as a ``Code`` and a message for an operator.
///
/// GRDB and SQLite errors are mapped to a code at the store's boundary so that callers never import
/// GRDB. The message carries SQLite's own message (`UNIQUE constraint failed: rules.id`), never the
/// statement's arguments, so no phone number reaches a log through it.
///
/// Deliberately not handled: retry policy. ``Code/busy`` is the only code a retry could cure, and
/// whether to retry is the caller's decision.
package struct SQLiteStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure it was.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file or its directory cannot be opened or created.
        package static let cannotOpen = Code("cannot-open")
        /// The database (or the filesystem under it) is read-only; nothing was written.
        package static let readOnly = Code("read-only")
        /// The file is not an SQLite database or is damaged.
        package static let corrupt = Code("corrupt")
        /// A schema constraint refused the write; the whole transaction was rolled back.
        package static let constraintViolation = Code("constraint-violation")
        /// Another connection held a lock for longer than ``SQLiteStore/busyTimeout``.
        package static let busy = Code("busy")
        /// The disk is full.
        package static let diskFull = Code("disk-full")
        /// A read-only store found a database that has not been migrated to the current schema.
        package static let schemaOutdated = Code("schema-outdated")
        /// A stored value could not be turned back into a model value.
        package static let invalidData = Code("invalid-data")
        /// Any other SQLite or GRDB failure (including use of a closed store).
        package static let database = Code("database")

        /// The code's name, e.g. `read-only`.
        package var description: String { name }
    }

    /// What kind of failure it was.
    package var code: Code
    /// A human-readable explanation without personal data.
    package var message: String

    /// Makes an error from a code and a message.
    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Maps any error thrown inside the store; a ``SQLiteStoreError`` passes through unchanged.
    init(wrapping error: any Error) {
        if let error = error as? SQLiteStoreError {
            self = error
            return
        }
        if error is RowDecodingError {
            // Its description quotes the whole row, which may hold phone numbers.
            self.init(code: .invalidData, message: "a stored row could not be decoded")
            return
        }
        guard let error = error as? DatabaseError else {
            self.init(code: .database, message: String(describing: error))
            return
        }
        let code: Code =
            switch error.resultCode.primaryResultCode {
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: .cannotOpen
            case .SQLITE_READONLY: .readOnly
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: .corrupt
            case .SQLITE_CONSTRAINT: .constraintViolation
            case .SQLITE_BUSY, .SQLITE_LOCKED: .busy
            case .SQLITE_FULL: .diskFull
            default: .database
            }
        self.init(code: code, message: "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")")
    }

    /// `store error (code): message`, safe to log.
    package var description: String { "store error (\(code)): \(message)" }
}
