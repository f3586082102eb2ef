/// The `agi_*: value` block Asterisk sends when a FastAGI session starts (protocols.md §3.2),
/// reduced to what a decision needs.
///
/// The call id is the value of an `agi_arg_N` of the form `callid=ID` when the dialplan passes
/// one — the shipped dialplan passes `callid=${CHANNEL(linkedid)}`, the id Master.csv's linkedid
/// column and AMI carry for the whole call, so the question merges with the call's CDR — else
/// `agi_uniqueid` (the same value on the call's first channel). Deliberately not handled: other
/// `agi_arg_N` (the caller and callee come from the channel's own variables, which a dialplan
/// cannot get wrong) and every other variable, which is checked for syntax and then ignored.
struct AGIEnvironment: Hashable, Sendable {
    private(set) var lineCount = 0
    private(set) var callerID: String?
    private(set) var callerName: String?
    private(set) var callingPresentation: Int?
    private(set) var dialledNumber: String?
    private(set) var extensionName: String?
    private(set) var uniqueID: String?
    /// The `callid=` argument's value, when the dialplan passed one.
    private(set) var callIDArgument: String?

    /// Takes one header line (without its newline). False when it is not `agi_<name>: <value>`
    /// with `<name>` in lower-case letters, digits and `_`.
    mutating func add(line: some Collection<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let name = line[line.startIndex..<colon]
        guard name.count > 4, name.starts(with: "agi_".utf8),
            name.allSatisfy({ Self.isNameByte($0) })
        else { return false }
        var valueStart = line.index(after: colon)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") {
            valueStart = line.index(after: valueStart)
        }
        lineCount += 1
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        switch String(decoding: name, as: UTF8.self) {
        case "agi_callerid": callerID = value
        case "agi_calleridname": callerName = value
        case "agi_callingpres": callingPresentation = Int(value)
        case "agi_dnid": dialledNumber = value
        case "agi_extension": extensionName = value
        case "agi_uniqueid": uniqueID = value
        case let argument where argument.hasPrefix("agi_arg_") && value.hasPrefix("callid="):
            callIDArgument = String(value.dropFirst("callid=".count))
        default: break
        }
        return true
    }

    /// The question these variables ask, or what is missing. The callee is `agi_extension`
    /// unless that is the catch-all `s` (or absent/`unknown`), then `agi_dnid`. The caller is
    /// `agi_callerid` (Asterisk writes `unknown` when there is none: unidentified). A
    /// presentation of the "restricted" class (`agi_callingpres` & 0x60 == 0x20) marks the
    /// caller as withheld.
    func query() -> Result<RawDecisionQuery, DecisionQueryProblem> {
        guard let callee = [extensionName, dialledNumber].compactMap({ $0 }).first(where: Self.isUsableCallee)
        else {
            return .failure(DecisionQueryProblem(parameter: "agi_extension", reason: "and agi_dnid name no callee"))
        }
        let callID = callIDArgument.flatMap { $0.isEmpty ? nil : $0 } ?? uniqueID
        let restricted = callingPresentation.map { $0 & 0x60 == 0x20 } ?? false
        return .success(
            RawDecisionQuery(
                caller: callerID ?? "", callee: callee, callID: callID, callerName: callerName,
                presentationRestricted: restricted))
    }

    private static func isUsableCallee(_ value: String) -> Bool {
        let lower = value.lowercased()
        return !lower.isEmpty && lower != "s" && lower != "unknown"
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_")
    }
}
