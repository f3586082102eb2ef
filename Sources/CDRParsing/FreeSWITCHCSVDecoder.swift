import CallModel

/// Decodes one FreeSWITCH `mod_cdr_csv` line written with the `default` template (13 columns) or
/// the shipped `example` template (15: + read_codec, write_codec) into a terminal
/// ``CallModel/CallEvent`` (protocols.md §4.1).
///
/// Columns: caller_id_name, caller_id_number, destination_number, context, start_stamp,
/// answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid, bleg_uuid, accountcode. Values
/// are split leniently (``CSVFieldSplitter/QuoteRule/unescaped``) because the templates do not escape quotes. The
/// call id is the uuid; an empty uuid is ``CDRLineError/Code/missingField``. A header line
/// (`caller_id_name,caller_id_number,...`) gives nil. Deliberately not handled: the `asterisk`
/// template and custom templates (their columns differ), and b-leg records (`legs=b`), which
/// decode like a-legs.
enum FreeSWITCHCSVDecoder {
    /// Column counts of the `default` and `example` templates.
    static let columnCounts: Set<Int> = [13, 15]

    static func decode(_ line: UnsafeRawBufferPointer, context: inout DecodingContext) throws(CDRLineError) -> CallEvent? {
        try CSVFieldSplitter.split(line, rule: .unescaped, into: &context.fields)
        if context.column(1, in: line, is: "caller_id_name"), context.column(2, in: line, is: "caller_id_number") {
            return nil
        }
        guard columnCounts.contains(context.fields.count) else { throw CDRLineError(.wrongColumnCount) }

        let start = try context.localTime(in: line, column: 5)
        let answered = try context.hasLocalTime(in: line, column: 6)
        let end = try context.localTime(in: line, column: 7)
        let duration = try context.seconds(in: line, column: 8)
        let billsec = try context.seconds(in: line, column: 9)
        guard !context.fields[10].isEmpty else { throw CDRLineError(.missingField, column: 11) }
        let disposition = Self.disposition(
            in: line, field: context.fields[9], answered: billsec > 0 || answered)

        let name = context.fields[0].isEmpty ? nil : context.text(in: line, column: 1)
        return CallEvent(
            time: end,
            callID: context.text(in: line, column: 11),
            source: .freeswitchCSV,
            phase: disposition.terminalPhase,
            disposition: disposition,
            callStart: start,
            duration: .seconds(duration),
            talkTime: .seconds(billsec),
            caller: context.parties.caller(raw: context.text(in: line, column: 2), displayName: name),
            callee: context.parties.callee(raw: context.text(in: line, column: 3))
        )
    }

    /// Maps a hangup cause name: `NORMAL_CLEARING` is answered when the call was answered (billsec
    /// above zero or an answer stamp) and failed otherwise; `ORIGINATOR_CANCEL` cancelled;
    /// `NO_ANSWER`, `NO_USER_RESPONSE` no answer; `USER_BUSY` busy; `CALL_REJECTED` rejected;
    /// `NORMAL_CIRCUIT_CONGESTION`, `SWITCH_CONGESTION` congestion; every other cause failed.
    static func disposition(in line: UnsafeRawBufferPointer, field: CSVField, answered: Bool) -> Disposition {
        let (start, end) = (field.start, field.end)
        if line.equals("NORMAL_CLEARING", from: start, to: end) { return answered ? .answered : .failed }
        if line.equals("ORIGINATOR_CANCEL", from: start, to: end) { return .cancelled }
        if line.equals("NO_ANSWER", from: start, to: end) || line.equals("NO_USER_RESPONSE", from: start, to: end) {
            return .noAnswer
        }
        if line.equals("USER_BUSY", from: start, to: end) { return .busy }
        if line.equals("CALL_REJECTED", from: start, to: end) { return .rejected }
        if line.equals("NORMAL_CIRCUIT_CONGESTION", from: start, to: end)
            || line.equals("SWITCH_CONGESTION", from: start, to: end)
        {
            return .congestion
        }
        return .failed
    }
}
