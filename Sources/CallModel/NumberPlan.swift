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
        // The common case on bytes (a SIP user part or a CDR field of plain ASCII digits): the same
        // result as `classify` without Substring or String work; nil when it needs the general path.
        if let result = raw.utf8.withContiguousStorageIfAvailable({ plainDigitsFastPath($0, raw: raw) }), let result {
            return result
        }
        if let plain = Self.plainDigits(raw) {
            // The common case (a CDR's digits-only field): no URI, separators or anonymous forms.
            return classify(digits: plain.digits, international: plain.international, raw: raw)
        }
        guard raw.utf8.count <= Self.maximumRawLength else { return .invalid(raw) }
        let stripped = Self.stripURI(raw)
        if Self.anonymousForms.contains(stripped.lowercased()) { return .unidentified }
        guard let written = writtenDigits(stripped) else { return .invalid(raw) }
        return classify(digits: Substring(written.digits), international: written.international, raw: raw)
    }

    /// Longer input is never a number (with URI syntax it stays under a few dozen bytes); it is
    /// rejected before any work is spent on it.
    package static let maximumRawLength = 256

    /// A number or prefix as people write it (`+46 (0)8 123 456 78`, `00358 40-123.4567`,
    /// `(040) 123 4567`) as its digits and whether it was written with `+`. Visual separators are
    /// dropped: ASCII space, tab, `-`, `.`, `/`, parentheses, no-break and thin spaces and the Unicode
    /// dashes. A parenthesised trunk prefix after a country code (`+358 (0)40`, `0046 (0)8`,
    /// `+7 (8) 495`) is dropped: `(0)` after any country code, `(8)` after +7.
    ///
    /// Deliberately not handled (nil, the number is invalid): letters (vanity numbers such as
    /// 0800-FLOWERS), digits other than ASCII `0`–`9` (Arabic-Indic, full-width), a `+` anywhere
    /// but first, extensions written after the number (`x123`, `ext. 123`) and unbalanced or nested parentheses.
    func writtenDigits(_ text: String) -> (digits: String, international: Bool)? {
        var digits = ""
        digits.reserveCapacity(text.utf8.count)
        var international = false
        var group: String?  // digits inside an open parenthesis
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9":
                digits.unicodeScalars.append(scalar)
                group?.unicodeScalars.append(scalar)
            case "+" where offset == 0:
                international = true
            case "(":
                guard group == nil else { return nil }
                group = ""
            case ")":
                guard group != nil else { return nil }
                if let written = group, isParenthesisedTrunk(written, before: digits.dropLast(written.count), international: international) {
                    digits.removeLast(written.count)
                }
                group = nil
            case " ", "\t", "-", ".", "/", "\u{00A0}", "\u{2009}", "\u{202F}", "\u{2010}"..."\u{2015}", "\u{2212}":
                continue
            default:
                return nil
            }
        }
        guard group == nil else { return nil }  // an unclosed parenthesis
        return (digits, international)
    }

    /// Whether the digits `group` written in parentheses after `before` are a trunk prefix shown in
    /// an international number (`+44 (0)20`): `before` is a country code, after `+` or one of this
    /// plan's international prefixes, and `group` is `0` or that country's shipped trunk prefix.
    private func isParenthesisedTrunk(_ group: String, before: Substring, international: Bool) -> Bool {
        guard !group.isEmpty, !before.isEmpty else { return false }
        var code = before
        if !international {
            guard let prefix = internationalPrefixes.first(where: { before.hasPrefix($0) }) else { return false }
            code = before.dropFirst(prefix.count)
        }
        guard (1...3).contains(code.count), code.first != "0" else { return false }
        if group == "0" { return true }
        return Self.byCountry.values.contains { $0.countryCode == code && $0.trunkPrefix == group }
    }

    /// `+44 020 7946 0123` → `442079460123`: a trunk `0` written after a shipped country's code is
    /// dropped (libphonenumber does the same). Only for trunk prefix `0`, which never starts a
    /// national significant number in the shipped countries; Russia's `8` does (`+7 800`), so it is
    /// dropped only when in parentheses.
    static func droppingTrunkAfterCountryCode(_ digits: Substring) -> Substring {
        // The common case costs one short scan: no 0 where a trunk prefix could stand.
        guard digits.utf8.dropFirst().prefix(3).contains(UInt8(ascii: "0")) else { return digits }
        for code in countryCodesWithTrunkZero where digits.hasPrefix(code) {
            let rest = digits.dropFirst(code.count)
            return rest.first == "0" ? digits.prefix(code.count) + rest.dropFirst() : digits
        }
        return digits
    }

    /// The shipped countries whose trunk prefix is `0` (all but Russia).
    private static let countryCodesWithTrunkZero = byCountry.values.filter { $0.trunkPrefix == "0" }.map(\.countryCode)

    /// A number range as people write it, without its `*`, as the E.164 digits it starts with:
    /// `+44 (0)20 7946` and `0044 20 7946` → `4420 7946`'s digits; `020 7946` (a trunk prefix) →
    /// this plan's country code and the rest; bare digits (`4420`) are taken as E.164 digits, as
    /// before. Nil when empty, longer than a number, or written with anything but digits and
    /// separators. Deliberately not handled: in Russia a range written with a leading `8` is
    /// national (`8495` → `+7495`); China's `+86` range must be written with `+` or `810`.
    package func normalisePrefix(_ text: String) -> String? {
        guard text.utf8.count <= Self.maximumRawLength, let written = writtenDigits(text) else { return nil }
        var digits = Substring(written.digits)
        if written.international {
            digits = Self.droppingTrunkAfterCountryCode(digits)
        } else if let prefix = internationalPrefixes.first(where: { digits.hasPrefix($0) }) {
            digits = Self.droppingTrunkAfterCountryCode(digits.dropFirst(prefix.count))  // `00*` alone: empty, nil
        } else if !trunkPrefix.isEmpty, digits.hasPrefix(trunkPrefix), digits.count > trunkPrefix.count {
            digits = Substring(countryCode) + digits.dropFirst(trunkPrefix.count)
        }
        guard !digits.isEmpty, digits.count <= E164Number.maximumDigits, digits.first != "0" else { return nil }
        return String(digits)
    }

    /// `raw` as digits when it is nothing but ASCII digits after an optional `+`, else nil.
    private static func plainDigits(_ raw: String) -> (digits: Substring, international: Bool)? {
        var utf8 = raw.utf8[...]
        let international = utf8.first == UInt8(ascii: "+")
        if international { utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty, utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
        return (Substring(utf8), international)
    }

    /// ``classify(digits:international:raw:)`` for `raw`'s bytes when they are ASCII digits after
    /// an optional `+`, for the cases that need no trunk-prefix repair or international prefix
    /// (those, and any other input, return nil and take the general path). Byte comparisons are
    /// exact here: a `Character` equal to an ASCII digit is that digit, so `hasPrefix` and `count`
    /// on the digits agree with the bytes.
    private func plainDigitsFastPath(_ bytes: UnsafeBufferPointer<UInt8>, raw: String) -> NormalisedNumber? {
        var start = 0
        let international = bytes.first == UInt8(ascii: "+")
        if international { start = 1 }
        let count = bytes.count &- start
        guard count > 0, count <= Self.maximumRawLength else { return nil }
        for index in start..<bytes.count where bytes[index] &- UInt8(ascii: "0") >= 10 { return nil }
        let digits = UnsafeBufferPointer(rebasing: bytes[start...])
        if international {
            // `droppingTrunkAfterCountryCode` changes nothing without a 0 in the second to fourth digit.
            for index in 1..<Swift.min(4, count) where digits[index] == UInt8(ascii: "0") { return nil }
            return Self.e164(countryCode: nil, digits).map(NormalisedNumber.e164) ?? .invalid(raw)
        }
        if extensionLengths.contains(count) { return .internalExtension(String(decoding: digits, as: UTF8.self)) }
        for prefix in internationalPrefixes where Self.hasPrefix(digits, prefix) { return nil }
        if !trunkPrefix.isEmpty, Self.hasPrefix(digits, trunkPrefix), count > extensionLengths.upperBound {
            let rest = UnsafeBufferPointer(rebasing: digits[trunkPrefix.utf8.count...])
            return Self.e164(countryCode: countryCode, rest).map(NormalisedNumber.e164) ?? .invalid(raw)
        }
        if digitsMayCarryCountryCode, Self.hasPrefix(digits, countryCode),
            count >= countryCode.utf8.count + 7, count <= E164Number.maximumDigits
        {
            return Self.e164(countryCode: nil, digits).map(NormalisedNumber.e164) ?? .invalid(raw)
        }
        return Self.e164(countryCode: countryCode, digits).map(NormalisedNumber.e164) ?? .invalid(raw)
    }

    @inline(__always)
    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: String) -> Bool {
        var index = 0
        for byte in prefix.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index &+= 1
        }
        return true
    }

    /// `E164Number(digits: countryCode + digits)` without building the string.
    @inline(__always)
    private static func e164(countryCode: String?, _ digits: UnsafeBufferPointer<UInt8>) -> E164Number? {
        var value: UInt64 = 0
        var count = 0
        @inline(__always)
        func add(_ byte: UInt8) -> Bool {
            guard byte >= 0x30, byte <= 0x39, count != 0 || byte != 0x30 else { return false }
            count &+= 1
            if count > E164Number.maximumDigits { return false }
            value = value &* 10 &+ UInt64(byte &- 0x30)
            return true
        }
        if let countryCode {
            for byte in countryCode.utf8 where !add(byte) { return nil }
        }
        for byte in digits where !add(byte) { return nil }
        guard count >= E164Number.minimumDigits else { return nil }
        return E164Number(value: value)
    }

    /// The plan's rules applied to a number's digits (separators already dropped).
    private func classify(digits: Substring, international: Bool, raw: String) -> NormalisedNumber {
        if digits.isEmpty { return .invalid(raw) }
        if international { return Self.international(digits, raw: raw) }
        if extensionLengths.contains(digits.count) { return .internalExtension(String(digits)) }

        if let prefix = internationalPrefixes.first(where: { digits.hasPrefix($0) }),
            digits.count > prefix.count
        {
            return Self.international(digits.dropFirst(prefix.count), raw: raw)
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

    private static func international(_ digits: Substring, raw: String) -> NormalisedNumber {
        E164Number(digits: droppingTrunkAfterCountryCode(digits)).map(NormalisedNumber.e164) ?? .invalid(raw)
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
