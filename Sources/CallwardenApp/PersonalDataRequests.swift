package import CallModel
package import Evidence
import Foundation
package import Incidents
package import SQLiteStore
import PostgresStore

/// The store functions an access or erasure request runs: SQLite's, or the shared PostgreSQL's
/// (every site's records).
package protocol PersonalDataStore: Sendable {
    func exportPersonalData(number: E164Number, pseudonym: String, actor: String, at time: Timestamp) throws -> [UInt8]
    func erasePersonalData(number: E164Number, pseudonym: String, reason: String, actor: String, at time: Timestamp) throws -> [String: Int]
    func incidentsUnderLegalHold() throws -> [Int64]
}

extension SQLiteStore: PersonalDataStore {}
extension PostgresStore: PersonalDataStore {}

/// A data subject's access and erasure requests (`callwarden privacy`; later the admin role's API
/// routes): the number as people write it, normalised with the deployment's plan, answered by the
/// store, audited under a keyed hash of the number (``EvidenceSigningKey/pseudonym(_:)``), never
/// the number itself.
package struct PersonalDataRequests: Sendable {
    package var store: any PersonalDataStore
    package var plan: NumberPlan
    package var key: EvidenceSigningKey

    package init(store: any PersonalDataStore, plan: NumberPlan, key: EvidenceSigningKey) {
        self.store = store
        self.plan = plan
        self.key = key
    }

    /// Why a request was not answered.
    package enum RequestError: Error, CustomStringConvertible {
        case notANumber(String)

        package var description: String {
            switch self {
            case .notANumber(let text): "\(InertText.line(text)) is not a phone number"
            }
        }
    }

    package func number(_ text: String) throws -> E164Number {
        guard let number = plan.normalise(text).e164 else { throw RequestError.notANumber(text) }
        return number
    }

    /// Every stored record about the number, as JSON (audited as `privacy.export`).
    package func export(_ text: String, actor: String, at time: Timestamp) throws -> [UInt8] {
        let number = try number(text)
        return try store.exportPersonalData(number: number, pseudonym: key.pseudonym(number.description), actor: actor, at: time)
    }

    /// Removes every record of the number (audited as `privacy.erase`); the counts per table.
    /// - Throws: ``PersonalDataError/legalHold(incidents:)`` while an incident resting on them is not closed.
    package func erase(_ text: String, reason: String, actor: String, at time: Timestamp) throws -> [String: Int] {
        let number = try number(text)
        let pseudonym = key.pseudonym(number.description)
        return try store.erasePersonalData(
            number: number, pseudonym: pseudonym, reason: withoutNumber(reason, number, pseudonym: pseudonym),
            actor: actor, at: time)
    }

    /// `reason` with the number, in every form someone may have typed it, replaced by `pseudonym`:
    /// any stretch of digits, spaces and `+-().` that the plan reads as the number (or whose digits
    /// are its digits). Reasons are short; each stretch is tried from each start, longest first.
    func withoutNumber(_ reason: String, _ number: E164Number, pseudonym: String) -> String {
        let numberish = Set("+0123456789 -().")
        let digits = number.description.filter(\.isNumber)
        func isNumber(_ candidate: Substring) -> Bool {
            candidate.filter(\.isNumber).count >= 6
                && (plan.normalise(String(candidate)).e164 == number || candidate.filter(\.isNumber) == digits)
        }
        let characters = Array(reason)
        var text = ""
        var index = 0
        while index < characters.count {
            var matched = false
            if characters[index].isNumber || characters[index] == "+" || characters[index] == "(" {
                var end = index
                while end < characters.count, numberish.contains(characters[end]) { end += 1 }
                var stop = end
                while stop > index {
                    let candidate = String(characters[index..<stop])
                    if candidate.last?.isNumber == true, isNumber(Substring(candidate)) {
                        text += pseudonym
                        index = stop
                        matched = true
                        break
                    }
                    stop -= 1
                }
            }
            if !matched {
                text.append(characters[index])
                index += 1
            }
        }
        return text
    }
}

extension CallwardenConfiguration {
    /// The access and erasure requests over this configuration's store and key.
    /// With `store.url`, the shared PostgreSQL store: a request answers for (and erases at) every site.
    package func personalDataRequests() throws -> PersonalDataRequests {
        let store: any PersonalDataStore = try sharedStore.map { try openOpsStore($0) } ?? SQLiteStore(path: storePath)
        return PersonalDataRequests(store: store, plan: plan, key: try evidenceSigningKey())
    }
}
