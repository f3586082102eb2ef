/// A call attempt's key: Call-ID and From-tag, compared byte for byte (RFC 3261 §19.3; the
/// To-tag is absent from the first INVITE and forking makes several).
///
/// One array: the Call-ID's length (4 bytes), the Call-ID, the tag — so no two different pairs
/// share a key whatever bytes they hold. Stored once per dialog; a lookup hashes and compares
/// the message's own bytes (``hash(callID:tag:)``, ``matches(callID:tag:)``) and builds nothing.
struct SIPDialogKey: Sendable {
    let bytes: [UInt8]

    init(callID: ArraySlice<UInt8>, tag: ArraySlice<UInt8>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + callID.count + tag.count)
        let length = UInt32(truncatingIfNeeded: callID.count)
        bytes.append(UInt8(truncatingIfNeeded: length >> 24))
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(contentsOf: callID)
        bytes.append(contentsOf: tag)
        self.bytes = bytes
    }

    /// The hash of the pair (this process's seeded `Hasher`), the bytes fed as blocks.
    static func hash(callID: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(callID.count)
        hasher.combine(bytes: callID)
        hasher.combine(bytes: tag)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    /// Whether this key is exactly the pair (`callID`, `tag`).
    func matches(callID: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == 4 + callID.count + tag.count else { return false }
        return bytes.withUnsafeBytes { stored in
            let length = Int(stored[0]) << 24 | Int(stored[1]) << 16 | Int(stored[2]) << 8 | Int(stored[3])
            guard length == callID.count else { return false }
            return Self.equal(UnsafeRawBufferPointer(rebasing: stored[4..<(4 + length)]), callID)
                && Self.equal(UnsafeRawBufferPointer(rebasing: stored[(4 + length)...]), tag)
        }
    }

    /// Whether two buffers of the same length hold the same bytes (eight at a time, then the rest).
    private static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        var offset = 0
        while offset &+ 8 <= left.count {
            if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset &+= 8
        }
        while offset < left.count {
            if left[offset] != right[offset] { return false }
            offset &+= 1
        }
        return true
    }
}
