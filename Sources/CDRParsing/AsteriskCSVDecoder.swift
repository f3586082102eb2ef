import CallModel

/// Decodes one Asterisk `cdr_csv` `Master.csv` line (protocols.md §1.1) into a terminal
/// ``CallModel/CallEvent``.
///
/// `time` is the end, `callStart` the start, `duration` and `talkTime` (billsec) whole seconds;
/// the caller is `src` with the display name from `clid`, the callee `dst`. The call id is the
/// linkedid when logged and non-empty, else the uniqueid, else a ``SyntheticCallID``. Columns not
/// kept (`answer`, `sequence`) are still checked. A header line (`accountcode,src,...`) gives nil.
/// Deliberately not handled: grouping the several CDRs Asterisk 12+ writes for one call (the
/// shared linkedid lets the pipeline do that), and `cdr_custom` column orders.
enum AsteriskCSVDecoder {
    static func decode(_ line: UnsafeRawBufferPointer, context: inout DecodingContext) throws(CDRLineError) -> CallEvent? {
        try CSVFieldSplitter.split(line, rule: .doubled, into: &context.fields)
        if context.column(1, in: line, is: "accountcode"), context.column(2, in: line, is: "src") { return nil }

        let columns: AsteriskColumnSet
        switch context.asteriskColumns {
        case .auto:
            guard let inferred = AsteriskColumnSet.inferred(columnCount: context.fields.count) else {
                throw CDRLineError(.wrongColumnCount)
            }
            columns = inferred
        case .fixed(let configured):
            guard configured.columnCount == context.fields.count else { throw CDRLineError(.wrongColumnCount) }
            columns = configured
        }

        let start = try context.localTime(in: line, column: 10)
        _ = try context.hasLocalTime(in: line, column: 11)
        let end = try context.localTime(in: line, column: 12)
        let duration = try context.seconds(in: line, column: 13)
        let billsec = try context.seconds(in: line, column: 14)
        if let sequence = columns.sequenceColumn { _ = try context.seconds(in: line, column: sequence) }
        let disposition = Self.disposition(in: line, field: context.fields[14])

        let callID = Self.callID(line: line, columns: columns, fields: context.fields)
        let src = context.fields[1]
        let name = CallerIDNameParser.displayName(in: line, clid: context.fields[4], src: src)

        return CallEvent(
            time: end,
            callID: callID,
            source: .asteriskCSV,
            phase: disposition.terminalPhase,
            disposition: disposition,
            callStart: start,
            duration: .seconds(duration),
            talkTime: .seconds(billsec),
            caller: context.parties.caller(raw: line.string(of: src), displayName: name),
            callee: context.parties.callee(raw: context.text(in: line, column: 3))
        )
    }

    /// `ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION`, `CANCEL`; anything else is unknown.
    static func disposition(in line: UnsafeRawBufferPointer, field: CSVField) -> Disposition {
        let (start, end) = (field.start, field.end)
        switch field.count {
        case 8 where line.equals("ANSWERED", from: start, to: end): return .answered
        case 9 where line.equals("NO ANSWER", from: start, to: end): return .noAnswer
        case 4 where line.equals("BUSY", from: start, to: end): return .busy
        case 6 where line.equals("FAILED", from: start, to: end): return .failed
        case 6 where line.equals("CANCEL", from: start, to: end): return .cancelled
        case 10 where line.equals("CONGESTION", from: start, to: end): return .congestion
        default: return .unknown
        }
    }

    private static func callID(line: UnsafeRawBufferPointer, columns: AsteriskColumnSet, fields: CSVFieldList) -> String {
        if let column = columns.linkedIDColumn, !fields[column - 1].isEmpty {
            return line.string(of: fields[column - 1])
        }
        if let column = columns.uniqueIDColumn, !fields[column - 1].isEmpty {
            return line.string(of: fields[column - 1])
        }
        return SyntheticCallID.make(line: line, fields: fields)
    }
}
