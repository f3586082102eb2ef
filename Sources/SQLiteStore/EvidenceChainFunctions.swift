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
        registerCompact(db)
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
    /// 32 bytes for the content hash (filled in by ``finishBytes()``), then 8 bytes per column.
    private var bytes: [UInt8]

    init() {
        scratch.reserveCapacity(256)
        bytes = [UInt8](repeating: 0, count: 32)
        bytes.reserveCapacity(32 + 8 * 24)
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
        column.finalize().withUnsafeBytes { digest in
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: digest[0..<8]))
        }
    }

    /// The content hash (32 bytes) followed by the column digests (8 bytes each): what
    /// `callwarden_chain_row_bytes` returns.
    mutating func finishBytes() -> [UInt8] {
        content.finalize().withUnsafeBytes { digest in
            for index in 0..<32 { bytes[index] = digest[index] }
        }
        return bytes
    }

    /// The content hash in hex followed by a space and 16 hex digits per column digest (UTF-8):
    /// what `callwarden_chain_row` returns (the first entry format).
    mutating func finish() -> [UInt8] {
        EvidenceChainFunctions.hexRowHashes(finishBytes())
    }
}

extension EvidenceChainFunctions {
    /// `callwarden_chain_row_bytes(column, column, ...)`: the row's content hash and column digests
    /// as one blob (32 bytes, then 8 per column) — the same hashes as `callwarden_chain_row`.
    static let chainRowBytesName = "callwarden_chain_row_bytes"

    /// `callwarden_chain_entry(previous, seq, kind, row_key, operation, row_bytes)`: a compact
    /// entry's `hashes` blob — its entry hash (32 bytes, ``entryHash(previous:seq:kind:key:operation:rowBytes:)``)
    /// followed by `row_bytes`. `previous` is the previous compact entry's `hashes` (its first 32
    /// bytes are read), a first-format entry's 64-digit hex hash, or NULL before the first entry;
    /// anything else is an error, as is a `row_bytes` that is not 32 + 8n bytes.
    static let chainEntryName = "callwarden_chain_entry"

    /// What `callwarden_chain_row` returns, from what `callwarden_chain_row_bytes` returns.
    static func hexRowHashes(_ bytes: [UInt8]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(64 + (bytes.count - 32) / 8 * 17)
        for index in 0..<min(32, bytes.count) {
            text.append(hexDigit(bytes[index] >> 4))
            text.append(hexDigit(bytes[index] & 0x0F))
        }
        var index = 32
        while index < bytes.count {
            text.append(0x20)
            for byte in bytes[index..<min(index + 8, bytes.count)] {
                text.append(hexDigit(byte >> 4))
                text.append(hexDigit(byte & 0x0F))
            }
            index += 8
        }
        return text
    }

    /// A compact entry's hash: the SHA-256 of the canonical serialisation (see ``rowHashes(_:)``) of
    /// `previous` (a blob: the previous entry's 32-byte hash, empty before the first entry), `seq`
    /// (an integer), `kind`, `key` and `operation` (text) and `rowBytes` (a blob: content hash and
    /// column digests).
    static func entryHash(
        previous: UnsafeRawBufferPointer, seq: Int64, kind: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
        operation: UnsafeRawBufferPointer, rowBytes: UnsafeRawBufferPointer
    ) -> [UInt8] {
        var hasher = SHA256()
        func add(_ tag: UInt8, _ payload: UnsafeRawBufferPointer) {
            var header = (tag, UInt64(payload.count).bigEndian)
            withUnsafeBytes(of: &header.0) { hasher.update(bufferPointer: $0) }
            withUnsafeBytes(of: &header.1) { hasher.update(bufferPointer: $0) }
            if payload.count > 0 { hasher.update(bufferPointer: payload) }
        }
        add(UInt8(ascii: "b"), previous)
        withUnsafeBytes(of: UInt64(bitPattern: seq).bigEndian) { add(UInt8(ascii: "i"), $0) }
        add(UInt8(ascii: "t"), kind)
        add(UInt8(ascii: "t"), key)
        add(UInt8(ascii: "t"), operation)
        add(UInt8(ascii: "b"), rowBytes)
        return Array(hasher.finalize())
    }

    /// ``entryHash(previous:seq:kind:key:operation:rowBytes:)`` over Swift values (for `evidence verify`).
    static func entryHash(previous: [UInt8], seq: Int64, kind: String, key: String, operation: String, rowBytes: [UInt8]) -> [UInt8] {
        previous.withUnsafeBytes { previous in
            Array(kind.utf8).withUnsafeBytes { kind in
                Array(key.utf8).withUnsafeBytes { key in
                    Array(operation.utf8).withUnsafeBytes { operation in
                        rowBytes.withUnsafeBytes { rowBytes in
                            entryHash(previous: previous, seq: seq, kind: kind, key: key, operation: operation, rowBytes: rowBytes)
                        }
                    }
                }
            }
        }
    }

    /// The 32 bytes of a 64-digit hex hash (either case), or nil.
    static func bytes(hex text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count == 64 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in 0..<32 {
            guard let high = nibble(text[2 * index]), let low = nibble(text[2 * index + 1]) else { return nil }
            bytes[index] = high << 4 | low
        }
        return bytes
    }

    /// ``bytes(hex:)`` of a string.
    static func bytes(hex text: String) -> [UInt8]? {
        Array(text.utf8).withUnsafeBytes { bytes(hex: $0) }
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x57
        case 0x41...0x46: digit - 0x37
        default: nil
        }
    }

    /// Registers the compact format's functions (called by ``register(_:)``).
    static func registerCompact(_ db: Database) {
        sqlite3_create_function_v2(
            db.sqliteConnection, chainRowBytesName, -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, chainRowBytes, nil, nil, nil)
        sqlite3_create_function_v2(
            db.sqliteConnection, chainEntryName, 6, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, chainEntry, nil, nil, nil)
    }
}

/// The lower-case hex digits, by value.
private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Feeds every argument, with its full length, to a row encoder.
private func encodeRow(_ count: CInt, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) -> RowEncoder {
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
    return encoder
}

/// `callwarden_chain_row`'s implementation: reads each argument with its full length.
private func chainRow(_ context: OpaquePointer?, _ count: CInt, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    var encoder = encodeRow(count, arguments)
    var text = encoder.finish()
    text.withUnsafeMutableBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { characters in
            sqlite3_result_text(context, characters.baseAddress, CInt(characters.count), chainRowTransient)
        }
    }
}

/// `callwarden_chain_row_bytes`'s implementation.
private func chainRowBytes(_ context: OpaquePointer?, _ count: CInt, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    var encoder = encodeRow(count, arguments)
    let bytes = encoder.finishBytes()
    bytes.withUnsafeBytes { buffer in
        sqlite3_result_blob(context, buffer.baseAddress, CInt(buffer.count), chainRowTransient)
    }
}

/// The text of an argument (SQLite's text of a number), with its full length.
private func textArgument(_ value: OpaquePointer?) -> UnsafeRawBufferPointer {
    let text = sqlite3_value_text(value)
    return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_value_bytes(value)))
}

/// `callwarden_chain_entry`'s implementation.
private func chainEntry(_ context: OpaquePointer?, _ count: CInt, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard count == 6, let arguments else { return sqlite3_result_error(context, "callwarden_chain_entry takes 6 arguments", -1) }
    var previous: [UInt8] = []
    let previousValue = arguments[0]
    switch sqlite3_value_type(previousValue) {
    case SQLITE_NULL:
        break
    case SQLITE_BLOB:
        let blob = sqlite3_value_blob(previousValue)
        let length = Int(sqlite3_value_bytes(previousValue))
        guard length >= 32, let blob else { return sqlite3_result_error(context, "callwarden_chain_entry: bad previous entry", -1) }
        previous = Array(UnsafeRawBufferPointer(start: blob, count: 32))
    case SQLITE_TEXT:
        guard let decoded = EvidenceChainFunctions.bytes(hex: textArgument(previousValue)) else {
            return sqlite3_result_error(context, "callwarden_chain_entry: bad previous entry", -1)
        }
        previous = decoded
    default:
        return sqlite3_result_error(context, "callwarden_chain_entry: bad previous entry", -1)
    }
    guard sqlite3_value_type(arguments[1]) == SQLITE_INTEGER, sqlite3_value_type(arguments[5]) == SQLITE_BLOB else {
        return sqlite3_result_error(context, "callwarden_chain_entry: bad seq or row hashes", -1)
    }
    let seq = sqlite3_value_int64(arguments[1])
    let rowBlob = sqlite3_value_blob(arguments[5])
    let rowLength = Int(sqlite3_value_bytes(arguments[5]))
    guard rowLength >= 32, (rowLength - 32) % 8 == 0 else {
        return sqlite3_result_error(context, "callwarden_chain_entry: bad row hashes", -1)
    }
    let rowBytes = UnsafeRawBufferPointer(start: rowBlob, count: rowLength)
    var result = previous.withUnsafeBytes { previous in
        EvidenceChainFunctions.entryHash(
            previous: previous, seq: seq, kind: textArgument(arguments[2]), key: textArgument(arguments[3]),
            operation: textArgument(arguments[4]), rowBytes: rowBytes)
    }
    result.append(contentsOf: rowBytes)
    result.withUnsafeBytes { buffer in
        sqlite3_result_blob(context, buffer.baseAddress, CInt(buffer.count), chainRowTransient)
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
