extension NumberPlan {
    /// How ops in this deployment's country write `number`, for tables: the trunk prefix, the area
    /// or mobile code and the subscriber number in the usual grouping. Numbers of other countries
    /// stay E.164 (`+46812345678`). JSON and the store always use E.164.
    ///
    /// One simple grouping per shipped country, close to libphonenumber's national format:
    /// - FI `040 123 4567`, `09 1234 5678`: code 2 digits after `0` for 1x/4x/50, else 1; the rest
    ///   split before its last four digits.
    /// - SE `08-123 456 78`, `070-174 06 05`: code `8` or two digits; the rest as 2-2-2, 3-2-2 or 3-3-2.
    /// - GB `020 7946 0123`, `07700 900123`, `0113 496 0000`: 2x → 2+4+4, 7x → 4+6, 1x1 and 11x → 3+3+4.
    /// - DE `030 23125000`, `0176 12345678`, `01522 8817386`: code for 30/40/69/89, 15x, 16x and 17x.
    /// - RU `8 (495) 123-45-67`: ten-digit national numbers.
    ///
    /// Deliberately not handled: area codes that would need the full numbering-plan tables (German
    /// and Finnish small towns, Swedish three-digit codes); such numbers are shown as the trunk
    /// prefix and the national number ungrouped, which is never wrong, only less readable.
    package func nationalFormat(_ number: E164Number) -> String {
        let digits = number.digits
        guard !trunkPrefix.isEmpty, digits.hasPrefix(countryCode) else { return number.description }
        let national = Array(digits.dropFirst(countryCode.count).utf8).map { Character(UnicodeScalar($0)) }
        let text = String(national)
        let ungrouped = trunkPrefix + text
        func part(_ from: Int, _ count: Int) -> String { String(national[from..<min(from + count, national.count)]) }
        switch countryCode {
        case "358":
            let codeLength = text.hasPrefix("1") || text.hasPrefix("4") || text.hasPrefix("50") ? 2 : 1
            let rest = national.count - codeLength
            guard rest >= 5 else { return ungrouped }
            return "0" + part(0, codeLength) + " " + part(codeLength, rest - 4) + " " + part(codeLength + rest - 4, 4)
        case "46":
            let codeLength = text.hasPrefix("8") ? 1 : 2
            let rest = national.count - codeLength
            let head: Int
            switch rest {
            case 6: head = 2
            case 7: head = 3
            case 8: head = 3
            default: return ungrouped
            }
            let middle = rest - head - 2
            return "0" + part(0, codeLength) + "-" + part(codeLength, head) + " " + part(codeLength + head, middle)
                + " " + part(codeLength + head + middle, 2)
        case "44":
            guard national.count == 10 else { return ungrouped }
            if text.hasPrefix("2") { return "0" + part(0, 2) + " " + part(2, 4) + " " + part(6, 4) }
            if text.hasPrefix("7") { return "0" + part(0, 4) + " " + part(4, 6) }
            if text.hasPrefix("11") || (text.hasPrefix("1") && national[2] == "1") {
                return "0" + part(0, 3) + " " + part(3, 3) + " " + part(6, 4)
            }
            return ungrouped
        case "49":
            let codeLength: Int
            if ["30", "40", "69", "89"].contains(where: text.hasPrefix) {
                codeLength = 2
            } else if text.hasPrefix("15") {
                codeLength = 4
            } else if text.hasPrefix("16") || text.hasPrefix("17") {
                codeLength = 3
            } else {
                return ungrouped
            }
            guard national.count > codeLength + 3 else { return ungrouped }
            return "0" + part(0, codeLength) + " " + part(codeLength, national.count - codeLength)
        case "7":
            guard national.count == 10 else { return ungrouped }
            return "8 (" + part(0, 3) + ") " + part(3, 3) + "-" + part(6, 2) + "-" + part(8, 2)
        default:
            return ungrouped
        }
    }
}
