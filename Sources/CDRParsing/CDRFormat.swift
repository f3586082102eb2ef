package import CallModel

/// The line formats ``CDRLineDecoder`` understands.
///
/// Deliberately not handled: Asterisk `cdr_custom` files (their column order is configurable),
/// CEL, FreeSWITCH XML/JSON CDRs and templates other than `default` and `example`.
package enum CDRFormat: String, CaseIterable, Hashable, Sendable {
    /// Asterisk `cdr_csv` `Master.csv` (protocols.md §1.1).
    case asteriskCSV = "asterisk-csv"
    /// FreeSWITCH `mod_cdr_csv` with the `default` (13 columns) or `example` (15 columns) template
    /// (protocols.md §4.1).
    case freeswitchCSV = "freeswitch-csv"
    /// Callwarden's own JSON event schema, version 1 (`docs/event-schema.md`).
    case jsonLines = "jsonl"

    /// The ``CallModel/EventSource`` events decoded from this format carry.
    package var eventSource: EventSource {
        switch self {
        case .asteriskCSV: .asteriskCSV
        case .freeswitchCSV: .freeswitchCSV
        case .jsonLines: .jsonLines
        }
    }
}
