#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON body of `POST /v1/decision`: `{"caller":"...","callee":"...","callid":"..."}`, with
/// optional `pai` (P-Asserted-Identity), `name` (display name) and `restricted` (bool).
///
/// Deliberately not handled: numbers given as JSON numbers (they lose leading zeros and `+`): every
/// field must be a string, and anything else is a 400 naming the field.
struct DecisionRequestBody: Decodable {
    var caller: String?
    var callee: String?
    var callid: String?
    var pai: String?
    var name: String?
    var restricted: Bool?

    /// The largest body read; a longer one is refused without reading the rest.
    static let maximumBytes = 4_096

    /// Parses `bytes` into a query, or names what is wrong.
    static func query(from bytes: [UInt8]) -> Result<RawDecisionQuery, DecisionQueryProblem> {
        let body: DecisionRequestBody
        do {
            body = try JSONDecoder().decode(DecisionRequestBody.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context) {
            return .failure(problem(at: context.codingPath, reason: "must be a string"))
        } catch let DecodingError.dataCorrupted(context) {
            return .failure(problem(at: context.codingPath, reason: "is not valid JSON"))
        } catch {
            return .failure(DecisionQueryProblem(parameter: "body", reason: "is not a JSON object"))
        }
        guard let caller = body.caller else {
            return .failure(DecisionQueryProblem(parameter: "caller", reason: "is missing"))
        }
        guard let callee = body.callee else {
            return .failure(DecisionQueryProblem(parameter: "callee", reason: "is missing"))
        }
        return .success(
            RawDecisionQuery(
                caller: caller, callee: callee, callID: body.callid, assertedIdentity: body.pai,
                callerName: body.name, presentationRestricted: body.restricted ?? false))
    }

    private static func problem(at path: [any CodingKey], reason: String) -> DecisionQueryProblem {
        guard let key = path.first else {
            return DecisionQueryProblem(parameter: "body", reason: reason == "must be a string" ? "is not a JSON object" : reason)
        }
        return DecisionQueryProblem(parameter: key.stringValue, reason: key.stringValue == "restricted" ? "must be true or false" : reason)
    }
}
