#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON body of `POST /v1/decision`: `{"caller":"...","callee":"...","callid":"..."}`, with
/// optional `pai` (P-Asserted-Identity), `name` (display name), `restricted` (bool) and `dry_run`
/// (bool: answer without recording, see ``QuestionRecording``).
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
    var dryRun: Bool?

    enum CodingKeys: String, CodingKey {
        case caller, callee, callid, pai, name, restricted
        case dryRun = "dry_run"
    }

    /// The largest body read; a longer one is refused without reading the rest.
    static let maximumBytes = 4_096

    /// The parsed body: the question, and whether it asked for a dry run.
    struct Parsed {
        var query: RawDecisionQuery
        var isDryRun: Bool
    }

    /// Parses `bytes` into a query, or names what is wrong.
    static func query(from bytes: [UInt8]) -> Result<RawDecisionQuery, DecisionQueryProblem> {
        parse(bytes).map(\.query)
    }

    /// Parses `bytes` into a query and its dry-run flag, or names what is wrong.
    static func parse(_ bytes: [UInt8]) -> Result<Parsed, DecisionQueryProblem> {
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
        let query = RawDecisionQuery(
            caller: caller, callee: callee, callID: body.callid, assertedIdentity: body.pai,
            callerName: body.name, presentationRestricted: body.restricted ?? false)
        return .success(Parsed(query: query, isDryRun: body.dryRun ?? false))
    }

    private static func problem(at path: [any CodingKey], reason: String) -> DecisionQueryProblem {
        guard let key = path.first else {
            return DecisionQueryProblem(parameter: "body", reason: reason == "must be a string" ? "is not a JSON object" : reason)
        }
        return DecisionQueryProblem(parameter: key.stringValue, reason: key.stringValue == "restricted" || key.stringValue == "dry_run" ? "must be true or false" : reason)
    }
}
