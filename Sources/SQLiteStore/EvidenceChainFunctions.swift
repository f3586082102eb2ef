import Crypto
import GRDB
import GRDBSQLite

/// The SQL functions the evidence chain's triggers call (migration `evidence-1-chain`), registered
/// on every connection the store opens. A connection without them (the `sqlite3` shell) cannot
/// write to a chained table while its triggers are in place.
enum EvidenceChainFunctions {
    /// `callwarden_sha256(x)`: the SHA-256 of text (its UTF-8 bytes, in full) or a blob, as 64
    /// lower-case hex digits; NULL for NULL; a number is hashed as SQLite's text of it.
    static let sha256Name = "callwarden_sha256"

    /// The name of the row-hashing function: `callwarden_chain_row(column, column, ...)`, any number
    /// of arguments, returns the row's content hash (64 hex digits), then for each argument a space
    /// and its digest (16 hex digits). See ``rowHashes(_:)``.
    static let chainRowName = "callwarden_chain_row"

    static func register(_ db: Database) {
        // Registered through SQLite's C API rather than `DatabaseFunction`: GRDB reads text
        // arguments up to their first NUL (a row's text is hashed whole, NUL included), and its
        // wrapping costs more than the hashing on the commit path (one call per chain entry).
        sqlite3_create_function_v2(
            db.sqliteConnection, sha256Name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, sha256Function, nil, nil, nil)
        sqlite3_create_function_v2(
            db.sqliteConnection, chainRowName, -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, chainRow, nil, nil, nil)
    }

    /// The SHA-256 of `text`'s UTF-8 bytes in hex, as `callwarden_sha256` computes it.
    static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
    }

    /// One column value as `callwarden_chain_row` receives it.
    enum ColumnValue: Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text([UInt8])
        case blob([UInt8])
    }

    /// The canonical serialisation of a row: for each column in order, a type tag (`n`ull,
    /// `i`nteger, `f`loat, `t`ext, `b`lob), the payload's length as 8 bytes big-endian, then the
    /// payload (an integer as 8 bytes big-endian two's complement, a float as its IEEE 754 bits
    /// big-endian, text as its UTF-8 bytes in full — NUL included — and a blob as its bytes). Every
    /// value has exactly one encoding and the encodings cannot run into each other, so equal
    /// serialisations mean equal rows, types included.
    ///
    /// Returns the row's content hash (the SHA-256 of the whole serialisation, 64 hex digits), then
    /// for each column a space and the first 8 bytes of the SHA-256 of its own encoding in hex:
    /// enough for `evidence verify` to name the columns that changed.
    static func rowHashes(_ values: [ColumnValue]) -> String {
        var encoder = RowEncoder()
        for value in values {
            switch value {
            case .null: encoder.append(tag: UInt8(ascii: "n"), payload: UnsafeRawBufferPointer(start: nil, count: 0))
            case .integer(let number): encoder.append(tag: UInt8(ascii: "i"), bigEndian: UInt64(bitPattern: number))
            case .real(let number): encoder.append(tag: UInt8(ascii: "f"), bigEndian: number.bitPattern)
            case .text(let bytes): bytes.withUnsafeBytes { encoder.append(tag: UInt8(ascii: "t"), payload: $0) }
            case .blob(let bytes): bytes.withUnsafeBytes { encoder.append(tag: UInt8(ascii: "b"), payload: $0) }
            }
        }
        return String(decoding: encoder.finish(), as: UTF8.self)
    }

    /// The content hash and the column digests out of what `callwarden_chain_row` returned.
    static func split(rowHashes: String) -> (content: String, digests: String) {
        let utf8 = Array(rowHashes.utf8)
        let content = String(decoding: utf8.prefix(64), as: UTF8.self)
        let digests = utf8.count > 65 ? String(decoding: utf8[65...], as: UTF8.self) : ""
        return (content, digests)
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigit(byte >> 4))
            text.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The lower-case hex digit of a nibble.
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble
    }
}

/// Builds one row's canonical serialisation and its hashes (``EvidenceChainFunctions/rowHashes(_:)``)
/// in one pass over the values, without keeping the serialisation: each column's encoding goes
/// into a scratch buffer that is hashed on its own (the column digest) and fed to the row's hasher.
struct RowEncoder {
    private var content = SHA256()
    private var scratch: [UInt8] = []
    /// 64 bytes for the content hash, then " " and 16 hex digits per column.
    private var text: [UInt8]

    init() {
        scratch.reserveCapacity(256)
        text = [UInt8](repeating: 0x30, count: 64)
        text.reserveCapacity(64 + 24 * 17)
    }

    mutating func append(tag: UInt8, bigEndian value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { append(tag: tag, payload: $0) }
    }

    mutating func append(tag: UInt8, payload: UnsafeRawBufferPointer) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(tag)
        withUnsafeBytes(of: UInt64(payload.count).bigEndian) { scratch.append(contentsOf: $0) }
        if payload.count > 0 { scratch.append(contentsOf: payload) }
        var column = SHA256()
        scratch.withUnsafeBytes { encoding in
            column.update(bufferPointer: encoding)
            content.update(bufferPointer: encoding)
        }
        text.append(0x20)
        column.finalize().withUnsafeBytes { digest in
            for index in 0..<8 { Self.appendHex(digest[index], to: &text) }
        }
    }

    /// The content hash in hex followed by the column digests (UTF-8).
    mutating func finish() -> [UInt8] {
        content.finalize().withUnsafeBytes { digest in
            for index in 0..<32 {
                text[2 * index] = hexDigits[Int(digest[index] >> 4)]
                text[2 * index + 1] = hexDigits[Int(digest[index] & 0x0F)]
            }
        }
        return text
    }

    @inline(__always)
    private static func appendHex(_ byte: UInt8, to text: inout [UInt8]) {
        text.append(hexDigits[Int(byte >> 4)])
        text.append(hexDigits[Int(byte & 0x0F)])
    }
}

/// The lower-case hex digits, by value.
private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// `callwarden_chain_row`'s implementation: reads each argument with its full length.
private func chainRow(_ context: OpaquePointer?, _ count: CInt, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    var encoder = RowEncoder()
    for index in 0..<Int(count) {
        let value = arguments?[index]
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            encoder.append(tag: UInt8(ascii: "i"), bigEndian: UInt64(bitPattern: sqlite3_value_int64(value)))
        case SQLITE_FLOAT:
            encoder.append(tag: UInt8(ascii: "f"), bigEndian: sqlite3_value_double(value).bitPattern)
        case SQLITE_TEXT:
            let text = sqlite3_value_text(value)  // before _bytes, which then counts the UTF-8 text
            let length = Int(sqlite3_value_bytes(value))
            encoder.append(tag: UInt8(ascii: "t"), payload: UnsafeRawBufferPointer(start: text, count: length))
        case SQLITE_BLOB:
            let blob = sqlite3_value_blob(value)
            let length = Int(sqlite3_value_bytes(value))
            encoder.append(tag: UInt8(ascii: "b"), payload: UnsafeRawBufferPointer(start: blob, count: length))
        default:
            encoder.append(tag: UInt8(ascii: "n"), payload: UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
    var text = encoder.finish()
    text.withUnsafeMutableBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { characters in
            sqlite3_result_text(context, characters.baseAddress, CInt(characters.count), chainRowTransient)
        }
    }
}

/// `callwarden_sha256`'s implementation: hashes the argument's bytes with their full length.
private func sha256Function(_ context: OpaquePointer?, _ count: CInt, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    let value = arguments?[0]
    let type = sqlite3_value_type(value)
    guard type != SQLITE_NULL else { return sqlite3_result_null(context) }
    let start: UnsafeRawPointer? = type == SQLITE_BLOB ? sqlite3_value_blob(value) : UnsafeRawPointer(sqlite3_value_text(value))
    let length = Int(sqlite3_value_bytes(value))  // after _text or _blob, as SQLite asks
    var hasher = SHA256()
    if length > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(start: start, count: length)) }
    var text = [UInt8](repeating: 0, count: 64)
    hasher.finalize().withUnsafeBytes { digest in
        for index in 0..<32 {
            text[2 * index] = hexDigits[Int(digest[index] >> 4)]
            text[2 * index + 1] = hexDigits[Int(digest[index] & 0x0F)]
        }
    }
    text.withUnsafeMutableBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { characters in
            sqlite3_result_text(context, characters.baseAddress, 64, chainRowTransient)
        }
    }
}

/// SQLite copies the result before the call returns (`SQLITE_TRANSIENT`).
private let chainRowTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
