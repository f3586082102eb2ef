import Crypto
import GRDB

/// The SQL functions the evidence chain's triggers call (migration `evidence-1-chain`), registered
/// on every connection the store opens. A connection without them (the `sqlite3` shell) cannot
/// write to a chained table while its triggers are in place.
enum EvidenceChainFunctions {
    /// `callwarden_sha256(x)`: the SHA-256 of text (its UTF-8 bytes) or a blob, as 64 lower-case hex
    /// digits; NULL for NULL.
    static let sha256 = DatabaseFunction("callwarden_sha256", argumentCount: 1, pure: true) { values in
        bytes(of: values[0]).map { hex(SHA256.hash(data: $0)) }
    }

    /// `callwarden_column_digests(json)`: for a row's canonical serialisation (a JSON array of its
    /// columns, as SQLite's `json_array` writes it), the first 8 bytes of the SHA-256 of each
    /// element's text, in hex, separated by spaces: enough for `evidence verify` to name the
    /// columns that changed. The row's own hash is the full SHA-256 of the whole array.
    static let columnDigests = DatabaseFunction("callwarden_column_digests", argumentCount: 1, pure: true) { values in
        bytes(of: values[0]).map { columnDigests(ofJSONArray: $0) }
    }

    static func register(_ db: Database) {
        db.add(function: sha256)
        db.add(function: columnDigests)
    }

    /// The SHA-256 of `text`'s UTF-8 bytes in hex, as `callwarden_sha256` computes it.
    static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
    }

    /// What `callwarden_column_digests` returns for `json`.
    static func columnDigests(ofJSONArray json: [UInt8]) -> String {
        elements(ofJSONArray: json).map { element in
            hex(SHA256.hash(data: element).prefix(8))
        }.joined(separator: " ")
    }

    /// The texts of the top-level elements of a flat JSON array of scalars (strings, numbers,
    /// null); what SQLite's `json_array` writes over column values. Not a general JSON parser.
    static func elements(ofJSONArray json: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = json.firstIndex(of: UInt8(ascii: "[")).map { $0 + 1 } ?? json.endIndex
        while index < json.endIndex, json[index] != UInt8(ascii: "]") {
            let start = index
            if json[index] == UInt8(ascii: "\"") {
                index += 1
                while index < json.endIndex, json[index] != UInt8(ascii: "\"") {
                    index += json[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index = min(index + 1, json.endIndex)
            } else {
                while index < json.endIndex, json[index] != UInt8(ascii: ","), json[index] != UInt8(ascii: "]") {
                    index += 1
                }
            }
            result.append(json[start..<min(index, json.endIndex)])
            if index < json.endIndex, json[index] == UInt8(ascii: ",") { index += 1 }
        }
        return result
    }

    private static func bytes(of value: DatabaseValue) -> [UInt8]? {
        switch value.storage {
        case .null: nil
        case .string(let text): Array(text.utf8)
        case .blob(let data): Array(data)
        case .int64(let number): Array(String(number).utf8)
        case .double(let number): Array(String(number).utf8)
        }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
