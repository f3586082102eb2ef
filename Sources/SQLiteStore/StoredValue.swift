import CallModel
import Foundation

/// Conversions between model values and the column values the schema stores.
///
/// Decoding never traps: a value the schema should have refused (an unknown enum string, a number
/// that is not E.164) becomes ``SQLiteStoreError/Code/invalidData`` naming the column, never the
/// value, which may be personal data.
enum StoredValue {
    /// A `RawRepresentable` enum from its stored raw value.
    static func decode<T: RawRepresentable>(_ raw: String, as _: T.Type, column: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw SQLiteStoreError(code: .invalidData, message: "\(column) holds an unknown value")
        }
        return value
    }

    /// An E.164 number from its canonical text (`+447700900123`); nil stays nil.
    static func number(_ text: String?, column: String) throws -> E164Number? {
        guard let text else { return nil }
        guard let number = E164Number(e164: text) else {
            throw SQLiteStoreError(code: .invalidData, message: "\(column) holds a value that is not an E.164 number")
        }
        return number
    }

    /// A timestamp from microseconds since the epoch; nil stays nil.
    static func timestamp(_ microseconds: Int64?) -> Timestamp? {
        microseconds.map(Timestamp.init(microsecondsSinceEpoch:))
    }

    /// A list of strings as a JSON array of strings (`["a","b"]`): unambiguous whatever the items
    /// contain, readable in `sqlite3`, and `JSONB`-ready for PostgreSQL.
    static func encodeList(_ items: [String]) throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
        } catch {
            throw SQLiteStoreError(code: .invalidData, message: "a text list cannot be encoded: \(error)")
        }
    }

    /// The inverse of ``encodeList(_:)``.
    static func decodeList(_ text: String, column: String) throws -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw SQLiteStoreError(code: .invalidData, message: "\(column) is not a JSON array of strings")
        }
    }

    /// A `UInt64` stored as the `Int64` with the same bit pattern (SQLite integers are signed 64-bit),
    /// so values above `Int64.max` round-trip.
    static func bitPattern(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }

    /// The inverse of ``bitPattern(_:)-(UInt64)``.
    static func unsigned(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }
}
