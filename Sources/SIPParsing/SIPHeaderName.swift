/// The headers the parsers look up, recognised in full and compact form (RFC 3261 §7.3.3, the
/// IANA compact forms; protocols.md §6.1), case-insensitively.
///
/// Every other header is ``other`` and keeps its name as a byte range in ``SIPHeaderField``.
package enum SIPHeaderName: UInt8, Hashable, Sendable, CaseIterable {
    case other
    case callID, from, to, via, cseq, contact, contentLength, contentType, contentEncoding
    case maxForwards, route, recordRoute, supported, subject, sessionExpires, event, referTo
    case referredBy, allowEvents, acceptContact, rejectContact, requestDisposition
    case pAssertedIdentity, pPreferredIdentity, privacy, remotePartyID, diversion, historyInfo
    case identity, identityInfo, reason, userAgent, expires, pChargeInfo

    /// Recognises the header name in `range` of `bytes`. The range holds token characters only
    /// (the parser's header-name scan): names are compared eight bytes at a time with every byte's
    /// 0x20 bit set, which is exact for tokens against the lower-case names here (letters and `-`),
    /// not for arbitrary bytes (a CR would read as `-`).
    init(_ bytes: Span<UInt8>, _ range: Range<Int>) {
        self = .other
        guard range.lowerBound >= 0, range.upperBound <= bytes.count, !range.isEmpty else { return }
        if range.count == 1 {
            self = Self.compactForm(ASCII.lowercased(bytes[range.lowerBound]))
            return
        }
        // Full names by length and first letter, then compared; the compact form's letter decides alone.
        let first = ASCII.lowercased(bytes[range.lowerBound])
        let raw = bytes.bytes
        let length = range.count
        @inline(__always)
        func name(_ literal: StaticString) -> Bool {
            guard literal.utf8Start[0] == first, literal.utf8CodeUnitCount == length else { return false }
            let expected = UnsafeRawPointer(literal.utf8Start)
            // The range is inside the span (checked above).
            var offset = 0
            while offset &+ 8 <= length {
                let word = raw.unsafeLoadUnaligned(fromByteOffset: range.lowerBound &+ offset, as: UInt64.self)
                if word | 0x2020_2020_2020_2020 != expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                    return false
                }
                offset &+= 8
            }
            while offset < length {
                if bytes[unchecked: range.lowerBound &+ offset] | 0x20 != expected.load(fromByteOffset: offset, as: UInt8.self) {
                    return false
                }
                offset &+= 1
            }
            return true
        }
        switch range.count {
        case 2: if name("to") { self = .to }
        case 3: if name("via") { self = .via }
        case 4:
            self =
                name("cseq") ? .cseq
                : name("from") ? .from
                : .other
        case 5:
            self =
                name("event") ? .event
                : name("route") ? .route
                : .other
        case 6: if name("reason") { self = .reason }
        case 7:
            self =
                name("call-id") ? .callID
                : name("contact") ? .contact
                : name("expires") ? .expires
                : name("privacy") ? .privacy
                : name("subject") ? .subject
                : .other
        case 8:
            self =
                name("identity") ? .identity
                : name("refer-to") ? .referTo
                : .other
        case 9:
            self =
                name("diversion") ? .diversion
                : name("supported") ? .supported
                : .other
        case 10: if name("user-agent") { self = .userAgent }
        case 11: if name("referred-by") { self = .referredBy }
        case 12:
            self =
                name("allow-events") ? .allowEvents
                : name("content-type") ? .contentType
                : name("history-info") ? .historyInfo
                : name("max-forwards") ? .maxForwards
                : name("record-route") ? .recordRoute
                : .other
        case 13:
            self =
                name("identity-info") ? .identityInfo
                : name("p-charge-info") ? .pChargeInfo
                : .other
        case 14:
            self =
                name("accept-contact") ? .acceptContact
                : name("content-length") ? .contentLength
                : name("reject-contact") ? .rejectContact
                : .other
        case 15:
            self =
                name("remote-party-id") ? .remotePartyID
                : name("session-expires") ? .sessionExpires
                : .other
        case 16: if name("content-encoding") { self = .contentEncoding }
        case 19:
            self =
                name("p-asserted-identity") ? .pAssertedIdentity
                : name("request-disposition") ? .requestDisposition
                : .other
        case 20: if name("p-preferred-identity") { self = .pPreferredIdentity }
        default: break
        }
    }

    /// The header a lower-case compact-form letter stands for (protocols.md §6.1 table).
    private static func compactForm(_ letter: UInt8) -> SIPHeaderName {
        switch letter {
        case UInt8(ascii: "a"): .acceptContact
        case UInt8(ascii: "b"): .referredBy
        case UInt8(ascii: "c"): .contentType
        case UInt8(ascii: "d"): .requestDisposition
        case UInt8(ascii: "e"): .contentEncoding
        case UInt8(ascii: "f"): .from
        case UInt8(ascii: "i"): .callID
        case UInt8(ascii: "j"): .rejectContact
        case UInt8(ascii: "k"): .supported
        case UInt8(ascii: "l"): .contentLength
        case UInt8(ascii: "m"): .contact
        case UInt8(ascii: "n"): .identityInfo
        case UInt8(ascii: "o"): .event
        case UInt8(ascii: "r"): .referTo
        case UInt8(ascii: "s"): .subject
        case UInt8(ascii: "t"): .to
        case UInt8(ascii: "u"): .allowEvents
        case UInt8(ascii: "v"): .via
        case UInt8(ascii: "x"): .sessionExpires
        case UInt8(ascii: "y"): .identity
        default: .other
        }
    }
}
