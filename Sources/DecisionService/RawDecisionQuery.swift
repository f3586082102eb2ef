/// The PBX's question exactly as it arrived, before normalisation: the strings of an HTTP query
/// or JSON body, or of Asterisk's `agi_*` block.
///
/// Deliberately not handled here: normalisation (``CallScreener`` does it with the deployment's
/// number plan) and transport syntax (percent-decoding, JSON, AGI lines).
package struct RawDecisionQuery: Hashable, Sendable {
    /// The longest value accepted for any field, in UTF-8 bytes.
    package static let maximumFieldLength = 256

    /// The calling number as sent (`sip:+442079460123@carrier`, `02079460123`, `anonymous`, empty).
    package var caller: String
    /// The called extension or number as sent (`1001`, `sip:1001@pbx`, `02079460999`).
    package var callee: String
    /// The PBX's call id (SIP Call-ID, Asterisk uniqueid); nil or empty when it sent none.
    package var callID: String?
    /// The network-asserted identity (P-Asserted-Identity), when the PBX passes it on.
    package var assertedIdentity: String?
    /// The caller's display name; personal data, never logged.
    package var callerName: String?
    /// The PBX said the caller withheld the number (CLIR) while still telling us which it is.
    package var presentationRestricted: Bool

    package init(
        caller: String,
        callee: String,
        callID: String? = nil,
        assertedIdentity: String? = nil,
        callerName: String? = nil,
        presentationRestricted: Bool = false
    ) {
        self.caller = caller
        self.callee = callee
        self.callID = callID
        self.assertedIdentity = assertedIdentity
        self.callerName = callerName
        self.presentationRestricted = presentationRestricted
    }

    /// The first field that is unusable, or nil: every field at most ``maximumFieldLength``
    /// bytes and free of control characters, and a non-empty callee. An empty caller is allowed
    /// (it is how some PBXs say "no number").
    package func problem() -> DecisionQueryProblem? {
        let fields: [(String, String?)] = [
            ("caller", caller), ("callee", callee), ("callid", callID), ("pai", assertedIdentity),
            ("name", callerName),
        ]
        for (name, value) in fields {
            guard let value else { continue }
            if value.utf8.count > Self.maximumFieldLength {
                return DecisionQueryProblem(parameter: name, reason: "longer than \(Self.maximumFieldLength) bytes")
            }
            if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                return DecisionQueryProblem(parameter: name, reason: "contains control characters")
            }
        }
        if callee.utf8.allSatisfy({ $0 == UInt8(ascii: " ") }) {
            return DecisionQueryProblem(parameter: "callee", reason: "is empty")
        }
        return nil
    }
}

/// Why a request could not be decided: which parameter, and what is wrong with it.
package struct DecisionQueryProblem: Error, Hashable, Sendable {
    /// The parameter's name as the PBX sends it (`caller`, `callee`, `callid`, `body`).
    package var parameter: String
    package var reason: String

    package init(parameter: String, reason: String) {
        self.parameter = parameter
        self.reason = reason
    }
}
