import GRDB
import GRDBSQLite

/// Text bound with its full UTF-8 length, so that an embedded NUL (U+0000, which a caller can put
/// in a SIP display name or a CDR field) is stored with everything after it. GRDB binds `String`
/// with length -1 (up to the first NUL) and reads text back up to the first NUL; the event writer
/// binds through this type, and the event reader selects text columns `CAST(... AS BLOB)` (read
/// with their length) and decodes them as UTF-8.
///
/// Deliberately not handled: the other tables' text, written through GRDB's arguments (the MCID
/// flag's copy of the caller, notes, rules), which still end at a NUL.
struct FullLengthText: StatementBinding {
    var text: String

    init(_ text: String) {
        self.text = text
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
