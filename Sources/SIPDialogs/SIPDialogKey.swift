/// A call attempt's key: Call-ID and From-tag, compared byte for byte (RFC 3261 §19.3; the
/// To-tag is absent from the first INVITE and forking makes several).
///
/// One array: the Call-ID's length (4 bytes), the Call-ID, the tag — so no two different pairs
/// share a key whatever bytes they hold.
struct SIPDialogKey: Hashable, Sendable {
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

    /// The bytes hashed as one block: `[UInt8]`'s own hashing feeds the hasher byte by byte, which
    /// was a tenth of the tracker's time in a large replay.
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
