/// Why a data subject's erasure request was refused.
package enum PersonalDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Incidents that rest on the number's records are not closed: their evidence is under legal
    /// hold. Close them first (or wait), then erase.
    case legalHold(incidents: [Int64])

    package var description: String {
        switch self {
        case .legalHold(let incidents):
            "refused: the records are under legal hold while incident\(incidents.count == 1 ? "" : "s") "
                + incidents.map(String.init).joined(separator: ", ")
                + " \(incidents.count == 1 ? "is" : "are") not closed; close \(incidents.count == 1 ? "it" : "them") first (or wait), then erase"
        }
    }
}
