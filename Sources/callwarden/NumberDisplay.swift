import CallModel

/// Numbers in CLI tables are shown the way ops in the deployment's country write them
/// (``NumberPlan/nationalFormat(_:)``: `040 123 4567`); anything that is not an E.164 number
/// (`unidentified`, `hopping-cluster`, an extension) is shown as it is. Machine-readable output
/// (JSON, the store, the API) keeps E.164.
extension NumberPlan {
    /// `+358401234567` → `040 123 4567`; other text unchanged.
    func shown(_ text: String) -> String {
        E164Number(e164: text).map(nationalFormat) ?? text
    }

    /// A rule's match: a number in national format, a range in this country as `040123*`, others as stored.
    func shown(_ match: RuleMatch) -> String {
        switch match {
        case .number(let number): return nationalFormat(number)
        case .prefix(let digits) where !trunkPrefix.isEmpty && digits.hasPrefix(countryCode):
            return trunkPrefix + digits.dropFirst(countryCode.count) + "*"
        case .prefix, .unidentified: return match.text
        }
    }
}
