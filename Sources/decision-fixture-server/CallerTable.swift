import CallModel
import CallPipeline

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A fixed caller → decision table: the counted number exactly, or `unidentified`. Deliberately
/// not the rule matcher: no prefixes, scopes, time windows or expiry.
struct CallerTable: CallDecider {
    var byNumber: [E164Number: CallDecision] = [:]
    var unidentified: CallDecision?

    func decide(_ request: DecisionRequest) -> CallDecision {
        if request.caller.isUnidentified { return unidentified ?? .defaultAllow }
        guard let number = request.caller.countedNumber else { return .defaultAllow }
        return byNumber[number] ?? .defaultAllow
    }

    static func load(path: String, plan: NumberPlan) throws -> CallerTable {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var table = CallerTable()
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            guard fields.count >= 4, let ruleID = Int64(fields[3]) else {
                throw CallerTableError(line: index + 1, reason: "needs CALLER ACTION TARGET RULE-ID [REASON]")
            }
            let action: RuleAction
            switch fields[1] {
            case "allow": action = .allow
            case "block": action = .block
            case "flag": action = .flag
            case "redirect" where fields[2] != "-": action = .redirect(to: fields[2])
            default: throw CallerTableError(line: index + 1, reason: "unknown action or missing target")
            }
            let decision = CallDecision(action: action, ruleID: ruleID, reason: fields.dropFirst(4).joined(separator: " "))
            if first == "unidentified" {
                table.unidentified = decision
            } else if let number = plan.normalise(first).e164 {
                table.byNumber[number] = decision
            } else {
                throw CallerTableError(line: index + 1, reason: "caller is not a number")
            }
        }
        return table
    }
}

struct CallerTableError: Error, CustomStringConvertible {
    var line: Int
    var reason: String
    var description: String { "rules line \(line): \(reason)" }
}
