package import CallModel

/// The telephone number a URI carries, ready for ``CallModel/NumberPlan`` (protocols.md §6.2, §9
/// step 1).
///
/// From a `tel:` URI the number; from a `sip:`/`sips:` URI the user part up to its first `;`
/// (with or without `;user=phone`: PBXs often leave it out). `%xx` escapes are decoded, visual
/// separators (`-` `.` `(` `)` and blanks) removed when what is left is a number. A user part that
/// is not a number (`alice`, `anonymous`) is kept as decoded text so the plan can classify it.
///
/// Deliberately not handled: `;ext=` extensions and `;isub=` subaddresses (dropped), number
/// portability data (`;npdi;rn=`, dropped), and `phone-context` values naming a country other
/// than the plan's (the number then stays invalid rather than being guessed).
package struct SIPTelephoneNumber: Hashable, Sendable {
    /// `+442079460123`, `02079460123`, `1001`, `anonymous`, or `""` for a URI without a user part.
    package var subscriber: String
    /// The `phone-context` parameter (`+44`, `pbx.example.com`), when given.
    package var phoneContext: String?
    /// The STIR verification result a verifier attached (`verstat=TN-Validation-Passed`), when given.
    package var verificationStatus: String?
    /// Whether ``subscriber`` is digits after an optional `+`.
    private let isNumber: Bool

    package init(subscriber: String, phoneContext: String? = nil, verificationStatus: String? = nil) {
        var utf8 = subscriber.utf8[...]
        if utf8.first == ASCII.plus { utf8 = utf8.dropFirst() }
        self.init(
            subscriber: subscriber, isNumber: !utf8.isEmpty && utf8.allSatisfy(ASCII.isDigit),
            phoneContext: phoneContext, verificationStatus: verificationStatus)
    }

    private init(subscriber: String, isNumber: Bool, phoneContext: String?, verificationStatus: String?) {
        self.subscriber = subscriber
        self.isNumber = isNumber
        self.phoneContext = phoneContext
        self.verificationStatus = verificationStatus
    }

    /// Reads the number of `uri`; nil for schemes other than sip, sips and tel.
    init?(_ bytes: Span<UInt8>, _ uri: SIPURI) {
        guard uri.scheme != .other else { return nil }
        guard let user = uri.user else {
            self.init(subscriber: "", isNumber: false, phoneContext: nil, verificationStatus: nil)
            return
        }
        let semicolon = bytes.firstIndex(of: ASCII.semicolon, from: user.lowerBound, to: user.upperBound)
        let userParameters = semicolon..<user.upperBound
        let (subscriber, isNumber) = Self.cleaned(bytes, user.lowerBound..<semicolon)
        self.init(subscriber: subscriber, isNumber: isNumber, phoneContext: nil, verificationStatus: nil)
        if uri.scheme == .tel {
            phoneContext = uri.parameter(bytes, "phone-context")?.value.map { bytes.string($0) }
            verificationStatus = uri.parameter(bytes, "verstat")?.value.map { bytes.string($0) }
        } else {
            let contextInUser = SIPParameterList.find(bytes, userParameters, "phone-context")
            phoneContext = contextInUser?.value.map { bytes.string($0) }
            let verstat = SIPParameterList.find(bytes, userParameters, "verstat") ?? uri.parameter(bytes, "verstat")
            verificationStatus = verstat?.value.map { bytes.string($0) }
        }
    }

    /// Whether a STIR verifier said the number passed (`verstat=TN-Validation-Passed`, 3GPP TS 24.229).
    package var passedVerification: Bool {
        verificationStatus?.lowercased() == "tn-validation-passed"
    }

    /// The number normalised with `plan`. A local number with a `phone-context` of the plan's
    /// own country (or a domain) is read as dialled in that country; with another country's
    /// context it is invalid. A subscriber that is not a number is one of the anonymous forms
    /// (``CallModel/NumberPlan/anonymousForms``) or invalid; it is not handed to the plan, which
    /// would strip URI syntax and decode `%`-escapes a second time.
    package func normalised(with plan: NumberPlan) -> NormalisedNumber {
        guard isNumber else {
            return NumberPlan.anonymousForms.contains(subscriber.lowercased()) ? .unidentified : .invalid(subscriber)
        }
        guard !subscriber.hasPrefix("+"), let phoneContext, phoneContext.hasPrefix("+") else {
            return plan.normalise(subscriber)
        }
        let contextDigits = phoneContext.utf8.filter(ASCII.isDigit)
        guard contextDigits.elementsEqual(plan.countryCode.utf8) else { return .invalid(subscriber) }
        return plan.normalise(subscriber)
    }


    /// Percent-decodes the user part; when the result is a number (digits, an optional leading
    /// `+`, visual separators) returns it without the separators, otherwise the decoded text; and
    /// whether it is a number.
    private static func cleaned(_ bytes: Span<UInt8>, _ range: Range<Int>) -> (String, isNumber: Bool) {
        // The common case, already clean: digits after an optional '+'.
        var plain = !range.isEmpty
        for index in range where !(ASCII.isDigit(bytes[index]) || (bytes[index] == ASCII.plus && index == range.lowerBound)) {
            plain = false
            break
        }
        if plain { return (bytes.string(range), range.count > 1 || bytes[range.lowerBound] != ASCII.plus) }

        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == ASCII.percent, index + 2 < range.upperBound,
                let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(decoded.count)
        for (offset, byte) in decoded.enumerated() {
            if ASCII.isDigit(byte) || (byte == ASCII.plus && offset == 0) {
                digits.append(byte)
            } else if !Self.isVisualSeparator(byte) {
                return (String(decoding: decoded, as: UTF8.self), false)
            }
        }
        let isNumber = digits.contains { ASCII.isDigit($0) }
        return (String(decoding: digits.isEmpty ? decoded : digits, as: UTF8.self), isNumber)
    }

    private static func isVisualSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == ASCII.dot || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            || ASCII.isBlank(byte)
    }
}
