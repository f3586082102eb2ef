/// The console's languages: Finnish, Swedish and English (Finland's two official languages and the
/// fallback).
///
/// Chosen per request: the `lang` query parameter (a person's switch, then kept in the
/// `callwarden_lang` cookie), else that cookie, else the browser's `Accept-Language` (the supported
/// language of the highest quality, `fi-FI` counting as `fi`), else English.
/// Deliberately not handled: other languages, and plural rules (phrases avoid needing them).
package enum ConsoleLanguage: String, CaseIterable, Sendable {
    case en, fi, sv

    static let cookie = "callwarden_lang"

    /// The language a request asks for; `query` and `cookie` are the raw values when present.
    static func choose(query: String?, cookie: String?, acceptLanguage: String?) -> ConsoleLanguage {
        if let query, let chosen = ConsoleLanguage(rawValue: query) { return chosen }
        if let cookie, let chosen = ConsoleLanguage(rawValue: cookie) { return chosen }
        return negotiate(acceptLanguage ?? "")
    }

    /// RFC 9110 `Accept-Language`: the supported tag with the highest `q` (earlier wins a tie); `q=0` excludes.
    package static func negotiate(_ header: String) -> ConsoleLanguage {
        var best: (language: ConsoleLanguage, quality: Double)?
        for item in header.split(separator: ",").prefix(32) {
            let parts = item.split(separator: ";")
            guard let tag = parts.first.map({ trimmed($0).lowercased() }) else { continue }
            let primary = String(tag.prefix { $0 != "-" && $0 != "_" })
            guard let language = ConsoleLanguage(rawValue: primary) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = trimmed(parameter)
                if pair.hasPrefix("q=") { quality = Double(pair.dropFirst(2)) ?? 0 }
            }
            guard quality > 0 else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? .en
    }

    /// The language's own name, for the switch.
    var nativeName: String {
        switch self {
        case .en: "English"
        case .fi: "suomi"
        case .sv: "svenska"
        }
    }

    /// Monday to Sunday, abbreviated.
    var weekdays: [String] {
        switch self {
        case .en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        case .fi: ["ma", "ti", "ke", "to", "pe", "la", "su"]
        case .sv: ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
        }
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
