/// How one deployment's PBX writes numbers, and how to turn them into E.164.
///
/// Follows protocols.md §9: strip URI syntax and visual separators, then in this order an
/// number of extension length stays an internal extension, an international call prefix (longest
/// first) becomes `+`, a trunk prefix becomes `+CC`, digits that already start with the country
/// code and have an international length get a `+` (when ``digitsMayCarryCountryCode`` is on),
/// and anything else is taken as a national number without its trunk prefix.
///
/// Deliberately not handled: `tel:` local numbers with a `phone-context` other than this plan's
/// country (they stay invalid rather than being guessed), carrier-specific number portability
/// prefixes, and validity per number range (see ``E164Number``).
package struct NumberPlan: Sendable, Hashable {
    /// The deployment's country calling code, digits only (`358`).
    package var countryCode: String
    /// The national (trunk) prefix (`0` in FI/SE/DE, `8` in RU); empty where there is none.
    package var trunkPrefix: String
    /// International call prefixes (`00`, `990`, `810`); matched longest first.
    package var internationalPrefixes: [String]
    /// Lengths of internal extensions; digit strings of these lengths are never made E.164.
    package var extensionLengths: ClosedRange<Int>
    /// Whether a digit string that starts with ``countryCode`` and is long enough is taken as
    /// international without `+` (carriers often send `358401234567`). Ambiguous: configurable.
    package var digitsMayCarryCountryCode: Bool

    package init(
        countryCode: String,
        trunkPrefix: String,
        internationalPrefixes: [String],
        extensionLengths: ClosedRange<Int> = 3...4,
        digitsMayCarryCountryCode: Bool = true
    ) {
        self.countryCode = countryCode
        self.trunkPrefix = trunkPrefix
        self.internationalPrefixes = internationalPrefixes.sorted { $0.count > $1.count }
        self.extensionLengths = extensionLengths
        self.digitsMayCarryCountryCode = digitsMayCarryCountryCode
    }

    /// Finland: +358, trunk 0, IDD 00 and the carrier prefixes 99x (protocols.md §9).
    package static let finland = NumberPlan(
        countryCode: "358", trunkPrefix: "0",
        internationalPrefixes: [
            "00", "990", "991", "994", "996", "999", "99511", "99541", "99532", "99533", "99555", "99559",
            "99577", "99588", "99590", "99599",
        ]
    )
    /// Sweden: +46, trunk 0, IDD 00.
    package static let sweden = NumberPlan(countryCode: "46", trunkPrefix: "0", internationalPrefixes: ["00"])
    /// Russia: +7, trunk 8, IDD 810 (dial 8, wait for tone, 10).
    package static let russia = NumberPlan(countryCode: "7", trunkPrefix: "8", internationalPrefixes: ["810"])
    /// Germany: +49, trunk 0, IDD 00.
    package static let germany = NumberPlan(countryCode: "49", trunkPrefix: "0", internationalPrefixes: ["00"])

    /// United Kingdom: +44, trunk 0, IDD 00. The shipped captures use Ofcom's drama ranges
    /// (07700 900xxx, 020 7946 0xxx, 0113 496 0xxx), which are never assigned to anyone.
    package static let unitedKingdom = NumberPlan(countryCode: "44", trunkPrefix: "0", internationalPrefixes: ["00"])

    /// Named plans for configuration files (`FI`, `SE`, `RU`, `DE`, `GB`).
    package static let byCountry: [String: NumberPlan] = [
        "FI": .finland, "SE": .sweden, "RU": .russia, "DE": .germany, "GB": .unitedKingdom,
    ]

    /// The caller-ID strings PBXs and SIP use for "no number": all map to ``NormalisedNumber/unidentified``.
    package static let anonymousForms: Set<String> = [
        "", "anonymous", "restricted", "unavailable", "anonymous.invalid", "private", "withheld", "unknown",
        "anonymous@anonymous.invalid",
    ]

    /// Normalises one number as received (CDR field, SIP URI user part, `tel:` URI, JSON field).
    package func normalise(_ raw: String) -> NormalisedNumber {
        if let plain = Self.plainDigits(raw) {
            // The common case (a CDR's digits-only field): no URI, separators or anonymous forms.
            return classify(digits: plain.digits, international: plain.international, raw: raw)
        }
        let stripped = Self.stripURI(raw)
        if Self.anonymousForms.contains(stripped.lowercased()) { return .unidentified }

        // Keep digits and a leading '+', drop visual separators; anything else makes it invalid.
        var digits = ""
        digits.reserveCapacity(stripped.utf8.count)
        var international = false
        var rest = Substring(stripped)
        if rest.hasPrefix("+") {
            international = true
            rest = rest.dropFirst()
            // "+49 (0)30 1234567": the German habit of showing the trunk 0 in international form.
            let trimmed = rest.drop { $0 == " " }
            if trimmed.hasPrefix(countryCode), !trunkPrefix.isEmpty {
                let afterCode = trimmed.dropFirst(countryCode.count).drop { $0 == " " }
                if afterCode.hasPrefix("(" + trunkPrefix + ")") {
                    rest = Substring(countryCode) + afterCode.dropFirst(trunkPrefix.count + 2)
                }
            }
        }
        for character in rest.unicodeScalars {
            switch character {
            case "0"..."9": digits.unicodeScalars.append(character)
            case " ", "-", ".", "(", ")", "/", "\u{00A0}": continue
            default: return .invalid(raw)
            }
        }
        return classify(digits: Substring(digits), international: international, raw: raw)
    }

    /// `raw` as digits when it is nothing but ASCII digits after an optional `+`, else nil.
    private static func plainDigits(_ raw: String) -> (digits: Substring, international: Bool)? {
        var utf8 = raw.utf8[...]
        let international = utf8.first == UInt8(ascii: "+")
        if international { utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty, utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
        return (Substring(utf8), international)
    }

    /// The plan's rules applied to a number's digits (separators already dropped).
    private func classify(digits: Substring, international: Bool, raw: String) -> NormalisedNumber {
        if digits.isEmpty { return .invalid(raw) }
        if international { return E164Number(digits: digits).map(NormalisedNumber.e164) ?? .invalid(raw) }
        if extensionLengths.contains(digits.count) { return .internalExtension(String(digits)) }

        if let prefix = internationalPrefixes.first(where: { digits.hasPrefix($0) }),
            digits.count > prefix.count
        {
            return E164Number(digits: digits.dropFirst(prefix.count)).map(NormalisedNumber.e164) ?? .invalid(raw)
        }
        if !trunkPrefix.isEmpty, digits.hasPrefix(trunkPrefix), digits.count > extensionLengths.upperBound {
            return E164Number(digits: countryCode + digits.dropFirst(trunkPrefix.count))
                .map(NormalisedNumber.e164) ?? .invalid(raw)
        }
        if digitsMayCarryCountryCode, digits.hasPrefix(countryCode),
            digits.count >= countryCode.count + 7, digits.count <= E164Number.maximumDigits
        {
            return E164Number(digits: digits).map(NormalisedNumber.e164) ?? .invalid(raw)
        }
        return E164Number(digits: countryCode + digits).map(NormalisedNumber.e164) ?? .invalid(raw)
    }

    /// `sip:+358401234567;user=phone@host` → `+358401234567`; `tel:+358-40-123;ext=1` → `+358-40-123`;
    /// `"Alice" <sip:0401234567@pbx>` → `0401234567`. Percent-escapes are decoded.
    static func stripURI(_ raw: String) -> String {
        var text = Substring(raw).drop { $0 == " " || $0 == "\t" }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = text[text.index(after: open)..<close]
        }
        let lower = text.lowercased()
        for scheme in ["sips:", "sip:", "tel:"] where lower.hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
            if let at = text.firstIndex(of: "@") { text = text[..<at] }
            break
        }
        if let semicolon = text.firstIndex(of: ";") { text = text[..<semicolon] }
        guard text.contains("%") else { return String(text) }
        return percentDecoded(text)
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What a number as received turned out to be.
package enum NormalisedNumber: Hashable, Sendable {
    /// An international number in canonical form.
    case e164(E164Number)
    /// An internal extension of this PBX (digits only).
    case internalExtension(String)
    /// One of the "no number" forms (`anonymous`, empty, `restricted`, ...).
    case unidentified
    /// Something that is neither (letters, too long, too short); the raw text is kept.
    case invalid(String)

    package var e164: E164Number? {
        if case .e164(let number) = self { return number }
        return nil
    }
}
