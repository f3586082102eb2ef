import Foundation
import GRDB
import GRDBSQLite

/// Text bound with its full UTF-8 length, so that an embedded NUL (U+0000, which a caller can put
/// in a SIP display name or a CDR field) is stored with everything after it. GRDB binds `String`
/// with length -1 (up to the first NUL) and reads text back up to the first NUL; the event writer
/// binds through this type, and the event reader selects text columns `CAST(... AS BLOB)` (read
/// with their length) and decodes them as UTF-8.
///
/// Statements written with GRDB's arguments pass such text as ``argument(_:)`` — its UTF-8 bytes as
/// a blob — under the placeholder ``placeholder`` (`CAST(? AS TEXT)`, which SQLite turns into text
/// of the same bytes, length included), and read it back with ``Row/fullText(atIndex:)`` from a
/// column selected `CAST(... AS BLOB)`; a look-up compares with the same placeholder, so a value
/// and the text before its NUL are two values. That is every column holding text from callers,
/// PBXs, clients, people or configuration: call events, pushed-event keys, detections (episode key
/// and target; historical ones too), incidents (identity, target), incident calls and log, MCID
/// flags and withdrawals, recordings (call id, location, author), rules, their history, reviews and
/// escalation resets (match value, scope, redirect target, reason, authors), the alert outbox
/// (identity, target, detail), access tokens (name, author) and the audit log.
///
/// Deliberately not handled: text that only the program writes (enum values, E.164 numbers,
/// timestamps, hashes, token look-ups) and the paths of CDR checkpoints (a file path holds no NUL).
struct FullLengthText: StatementBinding {
    var text: String

    init(_ text: String) {
        self.text = text
    }

    /// The SQL placeholder for a text value passed as ``argument(_:)``.
    static let placeholder = "CAST(? AS TEXT)"

    /// The text's UTF-8 bytes as a blob argument for ``placeholder`` (nil stays NULL).
    static func argument(_ text: String?) -> Data? {
        text.map { Data($0.utf8) }
    }

    func bind(to sqliteStatement: SQLiteStatement, at index: CInt) -> CInt {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                guard let base = characters.baseAddress else { return sqlite3_bind_text(sqliteStatement, index, "", 0, transient) }
                return sqlite3_bind_text(sqliteStatement, index, base, CInt(characters.count), transient)
            }
        }
    }
}

/// SQLite copies the bytes before the bind returns (`SQLITE_TRANSIENT`).
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Row {
    /// A text column selected `CAST(... AS BLOB)`, with every byte, NUL included; decoded as UTF-8
    /// (an invalid sequence becomes U+FFFD). NULL is nil.
    func fullText(atIndex index: Int) throws -> String? {
        try decode(Data?.self, atIndex: index).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension FullLengthText {
    /// Every row of `sql` as (column, value) pairs in column order, text whole, NUL included (read
    /// with its byte length through SQLite's C API; GRDB's `Row` ends text at a NUL). For a
    /// `SELECT *` over tables whose text columns are not known here (a data subject's export).
    static func rows(_ db: Database, sql: String, arguments: StatementArguments) throws -> [[(String, DatabaseValue)]] {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let sqliteStatement = statement.sqliteStatement
        defer { sqlite3_reset(sqliteStatement) }
        let columns = statement.columnNames
        var rows: [[(String, DatabaseValue)]] = []
        while true {
            let code = sqlite3_step(sqliteStatement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            var row: [(String, DatabaseValue)] = []
            for (index, name) in columns.enumerated() {
                let column = CInt(index)
                switch sqlite3_column_type(sqliteStatement, column) {
                case SQLITE_TEXT:
                    let text = sqlite3_column_text(sqliteStatement, column)  // before _bytes, as SQLite asks
                    let length = Int(sqlite3_column_bytes(sqliteStatement, column))
                    let bytes = UnsafeRawBufferPointer(start: text, count: text == nil ? 0 : length)
                    row.append((name, String(decoding: bytes, as: UTF8.self).databaseValue))
                default:
                    row.append((name, DatabaseValue(sqliteStatement: sqliteStatement, index: column)))
                }
            }
            rows.append(row)
        }
        return rows
    }
}
