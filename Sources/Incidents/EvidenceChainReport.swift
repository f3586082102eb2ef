/// What `evidence verify` found in the store's evidence chain (an append-only hash chain over every
/// row an incident rests on; see ARCHITECTURE.md, "Tamper evidence").
package struct EvidenceChainReport: Hashable, Sendable {
    /// Entries in the chain.
    package var entries: Int64
    /// The hash of the last entry (nil for an empty chain): what a signed bundle records, so that
    /// a later rewrite of everything before it shows.
    package var head: String?
    /// The problems found, in the order found (chain entries first, then rows table by table, then
    /// triggers), at most the limit asked for.
    package var findings: [EvidenceChainFinding]

    package init(entries: Int64, head: String?, findings: [EvidenceChainFinding]) {
        self.entries = entries
        self.head = head
        self.findings = findings
    }

    package var isIntact: Bool { findings.isEmpty }
}

/// One broken place: which table and row, and what differs.
package struct EvidenceChainFinding: Hashable, Sendable, CustomStringConvertible {
    package enum Problem: Hashable, Sendable {
        /// The entry's hash does not follow from the entry before it (an entry edited, removed or
        /// inserted).
        case entryBroken
        /// The row differs from what its latest entry hashed; the columns whose digests differ.
        case contentDiffers(columns: [String])
        /// The chain holds the row, the table does not (deleted outside the store).
        case deleted
        /// The table holds a row the chain never saw (written outside the store).
        case notChained
        /// The chain says the row was deleted, yet the table holds it.
        case reappeared
        /// A trigger that chains writes is missing or changed: writes to its table go unchained.
        case triggerMissing(String)
    }

    /// The table (`evidence_chain` for the chain itself, `sqlite_master` for triggers).
    package var table: String
    /// The row's key in the chain (its id; `incident/<hash of call id>` for links; the entry's
    /// number for chain entries).
    package var row: String
    /// The latest chain entry for the row, if any.
    package var entry: Int64?
    package var problem: Problem

    package init(table: String, row: String, entry: Int64?, problem: Problem) {
        self.table = table
        self.row = row
        self.entry = entry
        self.problem = problem
    }

    package var description: String {
        let at = entry.map { " (chain entry \($0))" } ?? ""
        switch problem {
        case .entryBroken:
            return "evidence_chain entry \(row): its hash does not follow from the entry before (an entry edited, removed or inserted)"
        case .contentDiffers(let columns):
            let which = columns.isEmpty ? "the row" : columns.joined(separator: ", ")
            return "\(table) \(row): \(which) differ\(columns.count == 1 ? "s" : "") from what the chain holds\(at)"
        case .deleted:
            return "\(table) \(row): deleted outside the store\(at)"
        case .notChained:
            return "\(table) \(row): not in the chain (written outside the store)"
        case .reappeared:
            return "\(table) \(row): present though the chain says it was deleted\(at)"
        case .triggerMissing(let name):
            return "trigger \(name) on \(table) is missing or changed: its writes are not chained"
        }
    }
}
