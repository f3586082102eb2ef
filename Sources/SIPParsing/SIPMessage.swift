/// One parsed SIP request or response.
///
/// Holds the message's bytes (one array: no copy when the caller hands in an `[UInt8]`, one copy
/// otherwise) and the ranges the parser found in them. Header values are read on demand
/// (``first(_:)``, ``values(_:)``, ``text(_:)``); nothing is decoded into strings up front.
///
/// Deliberately not handled: changing a message, or serialising it back.
package struct SIPMessage: Sendable {
    /// The bytes the message was parsed from; every range refers to these.
    package let bytes: [UInt8]
    package let startLine: SIPStartLine
    /// Header rows in order, as written (not merged).
    package let headers: [SIPHeaderField]
    /// The body (Content-Length bytes after the blank line, or the rest without Content-Length).
    package let body: Range<Int>
    /// Content-Length as written, nil when the message has none.
    package let contentLength: Int?
    /// The body is shorter than ``contentLength`` (a snaplen cut or a truncated capture); only
    /// when parsed with ``SIPMessageParser/TruncatedBody/keep``. ``body`` is what there is.
    package let isBodyTruncated: Bool

    /// Parses `bytes` as one whole message.
    /// - Parameter truncatedBody: whether a body shorter than Content-Length is refused (the
    ///   default) or kept and marked (a passive observer).
    /// - Throws: ``SIPParseError``.
    /// - Parameter headerStorage: an array to write the header rows into (see
    ///   ``SIPMessageParser/parse(_:truncatedBody:headerStorage:)``); ``headers`` is then that array.
    package init(
        bytes: [UInt8], truncatedBody: SIPMessageParser.TruncatedBody = .reject,
        headerStorage: consuming [SIPHeaderField] = []
    ) throws(SIPParseError) {
        let layout = try SIPMessageParser.parse(bytes.span, truncatedBody: truncatedBody, headerStorage: consume headerStorage)
        self.bytes = bytes
        self.startLine = layout.startLine
        self.headers = layout.headers
        self.body = layout.body
        self.contentLength = layout.contentLength
        self.isBodyTruncated = layout.isBodyTruncated
    }

    /// Parses one whole message from any byte collection (copied once into the message).
    /// - Throws: ``SIPParseError``.
    package init(bytes: some Collection<UInt8>) throws(SIPParseError) {
        try self.init(bytes: Array(bytes))
    }

    /// Parses one whole message from raw memory (copied once into the message).
    /// - Throws: ``SIPParseError``.
    package init(bytes: UnsafeRawBufferPointer) throws(SIPParseError) {
        try self.init(bytes: [UInt8](bytes))
    }

    // MARK: - Start line

    package var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    /// The request's method; nil for a response.
    package var method: SIPMethod? {
        if case .request(let method, _, _) = startLine { return method }
        return nil
    }

    /// The response's status code; nil for a request.
    package var statusCode: Int? {
        if case .response(let code, _) = startLine { return code }
        return nil
    }

    /// Where the Request-URI is; nil for a response.
    package var requestURIRange: Range<Int>? {
        if case .request(_, _, let uri) = startLine { return uri }
        return nil
    }

    /// The method token as written (also for extension methods); nil for a response.
    package var methodText: String? {
        if case .request(_, let range, _) = startLine { return text(range) }
        return nil
    }

    // MARK: - Headers

    /// The first row of a header, if any.
    package func first(_ name: SIPHeaderName) -> SIPHeaderField? {
        for field in headers where field.name == name { return field }
        return nil
    }

    /// The elements of a comma-list header over all its rows, in order (RFC 3261 §7.3.1: several
    /// rows are one row joined by commas). Commas inside `"…"` and `<…>` do not split.
    package func values(_ name: SIPHeaderName) -> [Range<Int>] {
        var elements: [Range<Int>] = []
        let span = bytes.span
        for field in headers where field.name == name {
            SIPValueList.forEachElement(span, field.value) { elements.append($0) }
        }
        return elements
    }

    /// The text in `range`, folds turned into single spaces; invalid UTF-8 becomes U+FFFD.
    package func text(_ range: Range<Int>) -> String { bytes.span.string(range) }

    /// The header names as written for `other` rows, e.g. to count unknown headers.
    package func name(of field: SIPHeaderField) -> String { text(field.nameRange) }

    /// The Call-ID's bytes (compared byte for byte, RFC 3261 §19.3); nil when absent or empty.
    package var callIDRange: Range<Int>? {
        guard let field = first(.callID), !field.value.isEmpty else { return nil }
        return field.value
    }

    /// The Call-ID as text; nil when absent or empty.
    package var callID: String? { callIDRange.map(text) }

    /// The CSeq, nil when absent or malformed.
    package var cseq: SIPCSeq? {
        guard let field = first(.cseq) else { return nil }
        return SIPCSeq(bytes.span, field.value)
    }

    /// The From header as a name-addr, nil when absent or malformed.
    package var from: SIPNameAddress? { first(.from).flatMap { SIPNameAddress(bytes.span, $0.value) } }

    /// The To header as a name-addr, nil when absent or malformed.
    package var to: SIPNameAddress? { first(.to).flatMap { SIPNameAddress(bytes.span, $0.value) } }

    /// The header parameters (`;tag=…`) of the first `name` row when it parses as a name-addr
    /// (exactly when ``from``/``to`` would not be nil), without taking its URI apart.
    package func nameAddressParameters(_ name: SIPHeaderName) -> Range<Int>? {
        first(name).flatMap { SIPNameAddress.parameters(bytes.span, $0.value) }
    }

    /// The `tag` value among the header `parameters`; nil when absent or empty.
    package func tag(inParameters parameters: Range<Int>) -> Range<Int>? {
        guard let value = SIPParameterList.find(bytes.span, parameters, "tag")?.value, !value.isEmpty else { return nil }
        return value
    }

    /// The name-addr in `range` (one element of ``values(_:)``, a header's value), nil when it
    /// does not parse.
    package func nameAddress(_ range: Range<Int>) -> SIPNameAddress? { SIPNameAddress(bytes.span, range) }

    /// The Request-URI, nil for a response or when it does not parse.
    package var requestURI: SIPURI? { requestURIRange.flatMap { SIPURI(bytes.span, $0) } }
}
