package import CallModel
import Incidents
package import PeopleAPI
package import SQLiteStore

/// The people's API's privacy routes (``PeopleAPI/PrivacyEndpoints``) answered by
/// ``PersonalDataRequests`` — the same store functions, keyed hash and normalisation as
/// `callwarden privacy` — and the configured retention periods.
struct PersonalDataPortAdapter: PersonalDataPort {
    var requests: PersonalDataRequests
    var periods: StoreRetentionSettings

    func export(_ number: String, actor: String, at time: Timestamp) throws -> [UInt8] {
        try mapped { try requests.export(number, actor: actor, at: time) }
    }

    func erase(_ number: String, reason: String, actor: String, at time: Timestamp) throws -> [String: Int] {
        try mapped { try requests.erase(number, reason: reason, actor: actor, at: time) }
    }

    func retention() throws -> RetentionStatus {
        RetentionStatus(calls: periods.calls, incidents: periods.incidents, legalHold: try requests.store.incidentsUnderLegalHold())
    }

    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PersonalDataRequests.RequestError.notANumber {
            throw PersonalDataRequestError.notANumber
        }
    }
}

extension CallwardenConfiguration {
    /// The privacy routes' port over `store`, or nil when the evidence key (whose keyed hash names
    /// numbers in the audit log) cannot be read: the routes then answer 503.
    package func personalDataPort(store: any PersonalDataStore) -> (any PersonalDataPort)? {
        guard let key = try? evidenceSigningKey() else { return nil }
        return PersonalDataPortAdapter(requests: PersonalDataRequests(store: store, plan: plan, key: key), periods: retention)
    }
}
