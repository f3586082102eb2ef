package import CallModel
package import Foundation
import PeopleAPI

/// Times as the console shows them: in the deployment's zone (`numbering.time_zone`, an IANA name),
/// always with the UTC offset of that moment (`2023-11-14 22:15:00 +02:00`), so a time read across
/// a daylight-saving change or by someone elsewhere is never ambiguous.
package struct ConsoleTime: Sendable {
    package var zone: TimeZone

    package init(zone: TimeZone) { self.zone = zone }

    /// The zone named `identifier`, or UTC when the name is unknown (the configuration checks it first).
    package init(identifier: String) {
        self.zone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!
    }

    package func show(_ time: Timestamp) -> String {
        let date = Date(timeIntervalSince1970: Double(time.secondsSinceEpoch))
        let offset = zone.secondsFromGMT(for: date)
        var civil = CivilDateTime(utc: time + .seconds(Int64(offset)))
        civil.microsecond = 0
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        let hours = String(minutes / 60)
        let rest = String(minutes % 60)
        return civil.formatted() + " " + sign + String(repeating: "0", count: 2 - hours.count) + hours + ":"
            + String(repeating: "0", count: 2 - rest.count) + rest
    }

    /// The civil time in the zone (for the hour and weekday of a call).
    package func civil(_ time: Timestamp) -> CivilDateTime {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time.secondsSinceEpoch)))
        return CivilDateTime(utc: time + .seconds(Int64(offset)))
    }
}

/// What every page needs to render one answer: who asks (their role decides masking and which
/// actions show), in which language, times in which zone, numbers in which plan.
struct ConsoleView {
    var caller: AuthenticatedCaller
    var language: ConsoleLanguage
    var time: ConsoleTime
    var plan: NumberPlan
    /// The path of the page (for the language switch's links).
    var path: String

    /// `phrase` with `values`, not escaped (for a title, which ``ConsoleHTML/page(title:view:body:)`` escapes).
    func plainText(_ phrase: Phrase, _ values: String...) -> String {
        var text = phrase.text(language)
        for (index, value) in values.enumerated() {
            text = text.replacingOccurrences(of: "{\(index + 1)}", with: value)
        }
        return text
    }

    /// `phrase` in the page's language, with `{1}`, `{2}`… replaced by `values`, each escaped, in one
    /// pass (a value that itself contains `{2}` stays as it is).
    func text(_ phrase: Phrase, _ values: String...) -> String {
        let template = Array(phrase.text(language).unicodeScalars)
        var text = ""
        var index = 0
        while index < template.count {
            if template[index] == "{", index + 2 < template.count, template[index + 2] == "}",
                let digit = Int(String(template[index + 1])), digit >= 1, digit <= values.count
            {
                text += ConsoleHTML.escape(values[digit - 1])
                index += 3
            } else {
                text += ConsoleHTML.escape(String(template[index]))
                index += 1
            }
        }
        return text
    }

    func when(_ time: Timestamp?) -> String {
        guard let time else { return text(.never) }
        return ConsoleHTML.escape(self.time.show(time))
    }

    /// A number in the national format, or masked for a role without ``Permission/seeNumbers``.
    func number(_ number: E164Number) -> String {
        ConsoleHTML.escape(caller.may(.seeNumbers) ? plan.nationalFormat(number) : number.masked)
    }

    /// A number as stored text (`+44…`, an extension, `unidentified`): formatted when it is E.164.
    func numberText(_ text: String) -> String {
        if let e164 = E164Number(e164: text) { return number(e164) }
        return ConsoleHTML.escape(text)
    }

    /// A hidden field with the session's CSRF token (none for a bearer token).
    var csrfField: String {
        guard let csrf = caller.sessionCSRF else { return "" }
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + ConsoleHTML.escape(csrf) + "\">"
    }

    func page(title: String, body: String) -> String {
        ConsoleHTML.page(title: title, view: self, body: body)
    }
}
