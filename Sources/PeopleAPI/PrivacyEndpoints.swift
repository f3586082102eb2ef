package import CallModel
package import CallwardenPorts
import Foundation
import Hummingbird
import IncidentAPI
import Incidents

/// What the privacy routes need answered: a data subject's access and erasure requests for one
/// number as people write it, and what is kept how long. `CallwardenApp.PersonalDataRequests`
/// answers them from the store, audited under a keyed hash of the number (never the number) with
/// the actor given here.
package protocol PersonalDataPort: Sendable {
    /// Every stored record about the number as one JSON document (audited as `privacy.export`).
    /// - Throws: ``PersonalDataRequestError/notANumber`` for text that is no phone number.
    func export(_ number: String, actor: String, at time: Timestamp) throws -> [UInt8]
    /// Removes every record of the number (audited as `privacy.erase`); counts per table.
    /// - Throws: ``PersonalDataError/legalHold(incidents:)`` while an incident resting on them is
    ///   not closed (nothing removed), ``PersonalDataRequestError/notANumber``.
    func erase(_ number: String, reason: String, actor: String, at time: Timestamp) throws -> [String: Int]
    /// The retention periods in force and the incidents under legal hold now.
    func retention() throws -> RetentionStatus
}

/// The number of a request could not be read as a phone number.
package enum PersonalDataRequestError: Error, Hashable, Sendable {
    case notANumber
}

/// What `GET /v1/privacy/retention` answers.
package struct RetentionStatus: Hashable, Sendable {
    /// Ordinary callers' calls and decision questions are kept this long.
    package var calls: TimeSpan
    /// A closed incident, with everything it rests on, is kept this long after its last change.
    package var incidents: TimeSpan
    /// Incidents that are not closed: nothing they rest on is purged or erased.
    package var legalHold: [Int64]

    package init(calls: TimeSpan, incidents: TimeSpan, legalHold: [Int64]) {
        self.calls = calls
        self.incidents = incidents
        self.legalHold = legalHold
    }
}

/// A data protection officer's routes (role `admin`, permission
/// ``Permission/answerDataRequests``), the same as `callwarden privacy`:
///
/// - `POST /v1/privacy/export` (`number`): 200 with every stored record about the number (the
///   document `privacy export` writes). The number is in the body, not the path, so that it is in
///   no proxy's or server's request log.
/// - `POST /v1/privacy/erase` (`number`, `reason`): 200 with the counts removed per table; 409 with
///   the incidents that hold them while one is not closed (`legal_hold`); nothing removed then.
/// - `GET /v1/privacy/retention`: the periods in force and the incidents under legal hold.
///
/// Both requests are audited by the store as `privacy.export` / `privacy.erase` with the
/// credential's actor (`token:<name>`) and a keyed hash of the number. Without a port (a listener
/// built without the evidence key) every route answers 503.
package struct PrivacyEndpoints: Sendable {
    package var port: (any PersonalDataPort)?
    package var clock: WallClock
    package var work: EndpointWork

    package init(port: (any PersonalDataPort)?, clock: WallClock, work: EndpointWork) {
        self.port = port
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.post, "/v1/privacy/export", .token(.answerDataRequests)) { request, _, _, caller in
                await work.json(request) { body in
                    let port = try available()
                    let number = try body.requiredString("number")
                    let json = try answer { try port.export(number, actor: caller!.actor, at: clock.now()) }
                    guard let records = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
                        throw work.failure(PersonalDataRequestError.notANumber)
                    }
                    return (200, records)
                }
            },
            PeopleEndpoint(.post, "/v1/privacy/erase", .token(.answerDataRequests)) { request, _, _, caller in
                await work.json(request) { body in
                    let port = try available()
                    let number = try body.requiredString("number")
                    let reason = try body.requiredString("reason")
                    guard !reason.trimmingSpaces.isEmpty else { throw APIProblem(status: 400, field: "reason", message: "must say why") }
                    do {
                        let removed = try answer { try port.erase(number, reason: reason, actor: caller!.actor, at: clock.now()) }
                        return (200, ["removed": removed.filter { $0.value > 0 }, "total": removed.values.reduce(0, +)])
                    } catch let hold as PersonalDataError {
                        guard case .legalHold(let incidents) = hold else { throw hold }
                        return (409, ["error": "legal_hold", "message": hold.description, "incidents": incidents])
                    }
                }
            },
            PeopleEndpoint(.get, "/v1/privacy/retention", .token(.answerDataRequests)) { request, _, _, _ in
                await work.json(request, readsBody: false) { _ in
                    let status = try work.perform { try available().retention() }
                    return (200, [
                        "calls_kept_days": Double(status.calls.microseconds) / 86_400_000_000,
                        "closed_incidents_kept_days": Double(status.incidents.microseconds) / 86_400_000_000,
                        "legal_hold_incidents": status.legalHold,
                    ])
                }
            },
        ]
    }

    private func available() throws(APIProblem) -> any PersonalDataPort {
        guard let port else {
            throw APIProblem(status: 503, field: "privacy", message: "privacy requests are not available on this listener")
        }
        return port
    }

    /// Runs a request, turning a number that is none into a 400 and other store failures into a
    /// 500 naming no data; a legal hold passes through.
    private func answer<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PersonalDataRequestError.notANumber {
            throw APIProblem(status: 400, field: "number", message: "is not a phone number")
        } catch let hold as PersonalDataError {
            throw hold
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw work.failure(error)
        }
    }
}
