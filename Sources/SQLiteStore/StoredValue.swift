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
    ///
    /// Items with nothing to escape (printable ASCII other than `"`, `\` and `/`: call ids and
    /// numbers nearly always) are joined directly, which gives the very bytes
    /// `JSONEncoder` gives; any other list goes through `JSONEncoder`. A DoS hour encodes two lists
    /// for each of ~2,000 episode updates per batch, and `JSONEncoder` was several percent of it.
    static func encodeList(_ items: [String]) throws -> String {
        if items.allSatisfy(needsNoEscaping) {
            return items.isEmpty ? "[]" : "[\"" + items.joined(separator: "\",\"") + "\"]"
        }
        do {
            return String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
        } catch {
            throw SQLiteStoreError(code: .invalidData, message: "a text list cannot be encoded: \(error)")
        }
    }

    /// The inverse of ``encodeList(_:)``.
    ///
    /// A text without a backslash or control byte holds no escape, so a `"` in it only delimits
    /// items: one with the `["...","..."]` shape is split on its bytes directly (never by
    /// `Character`: an item may start with a combining mark); anything else goes through
    /// `JSONDecoder`, which also throws for what is not such an array.
    static func decodeList(_ text: String, column: String) throws -> [String] {
        if let items = splitPlainList(text) { return items }
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw SQLiteStoreError(code: .invalidData, message: "\(column) is not a JSON array of strings")
        }
    }

    /// The items of `["a","b"]` when the text has that shape and no backslash or control byte,
    /// else nil.
    private static func splitPlainList(_ text: String) -> [String]? {
        let quote = UInt8(ascii: "\""), bytes = Array(text.utf8), count = bytes.count
        if count == 2, bytes == Array("[]".utf8) { return [] }
        guard count >= 4, bytes[0] == UInt8(ascii: "["), bytes[1] == quote, bytes[count - 2] == quote,
            bytes[count - 1] == UInt8(ascii: "]"),
            !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\\") })
        else { return nil }
        let pieces = bytes[2..<(count - 2)].split(separator: quote, omittingEmptySubsequences: false)
        guard pieces.count % 2 == 1 else { return nil }
        var items: [String] = []
        items.reserveCapacity(pieces.count / 2 + 1)
        for (index, piece) in pieces.enumerated() {
            if index % 2 == 0 {
                items.append(String(decoding: piece, as: UTF8.self))
            } else if !piece.elementsEqual(CollectionOfOne(UInt8(ascii: ","))) {
                return nil
            }
        }
        return items
    }

    /// Whether `JSONEncoder` writes `item` as it is between its quotes.
    private static func needsNoEscaping(_ item: String) -> Bool {
        item.utf8.allSatisfy { byte in
            byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                && byte != UInt8(ascii: "/")
        }
    }

    /// A `UInt64` stored as the `Int64` with the same bit pattern (SQLite integers are signed 64-bit),
    /// so values above `Int64.max` round-trip.
    static func bitPattern(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }

    /// The inverse of ``bitPattern(_:)-(UInt64)``.
    static func unsigned(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }
}
