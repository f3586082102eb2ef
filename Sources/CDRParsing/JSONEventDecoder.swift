import CallModel

/// Decodes one line of Callwarden's JSON event schema, version 1 (`docs/event-schema.md`).
///
/// Required: `time`, `call_id` (non-empty), `phase`, `caller`, `callee`. Optional: `caller_name`,
/// `asserted_identity`, `privacy`, `disposition`, `start`, `duration`, `talk_time`, `v` (absent
/// means 1). `null` for an optional field means absent; an empty `caller_name` or
/// `asserted_identity` too. Unknown keys are ignored; a known key twice is an error.
/// Deliberately not handled: schema versions other than 1, and times without a UTC offset.
enum JSONEventDecoder {
    /// Epoch-second bounds of years 0001–9999, the range RFC 3339 can write.
    static let epochSecondsRange: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    static func decode(_ line: UnsafeRawBufferPointer, context: inout DecodingContext) throws(CDRLineError) -> CallEvent? {
        var scanner = JSONScanner(bytes: line)
        var members = JSONEventMembers()
        try scanner.openObject()
        var isFirst = true
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            let value = try scanner.value()
            guard let field = JSONEventMembers.field(named: key, in: scanner) else { continue }
            guard members[field] == nil else { throw CDRLineError(.duplicateField, field: field) }
            members[field] = value
        }
        try scanner.finish()
        let reader = MemberReader(scanner: scanner, members: members)

        if let version = members[.version], version != .null {
            guard case .number(let number) = version else { throw CDRLineError(.badFieldType, field: .version) }
            guard number.isExactly(1) else { throw CDRLineError(.unsupportedVersion, field: .version) }
        }
        for field in [CDRLineError.Field.time, .callID, .phase, .caller, .callee] where members[field] == nil {
            throw CDRLineError(.missingField, field: field)
        }

        let time = try reader.requiredTime(.time)
        let callID = try reader.requiredString(.callID)
        guard !callID.isEmpty else { throw CDRLineError(.badFieldValue, field: .callID) }
        guard let phase = CallPhase(rawValue: try reader.requiredString(.phase)) else {
            throw CDRLineError(.unknownPhase, field: .phase)
        }
        let callerRaw = try reader.requiredString(.caller)
        let calleeRaw = try reader.requiredString(.callee)
        let callerName = try reader.optionalString(.callerName).flatMap { $0.isEmpty ? nil : $0 }
        var asserted: E164Number?
        if let text = try reader.optionalString(.assertedIdentity), !text.isEmpty {
            guard let number = context.parties.plan.normalise(text).e164 else {
                throw CDRLineError(.badFieldValue, field: .assertedIdentity)
            }
            asserted = number
        }
        let privacy = try reader.optionalBool(.privacy)
        var disposition: Disposition?
        if let text = try reader.optionalString(.disposition) {
            guard let known = Disposition(rawValue: text) else { throw CDRLineError(.badFieldValue, field: .disposition) }
            disposition = known
        }
        let start = try reader.optionalTime(.start)
        let duration = try reader.optionalSpan(.duration)
        let talkTime = try reader.optionalSpan(.talkTime)

        var caller = context.parties.caller(raw: callerRaw, displayName: callerName)
        caller.assertedIdentity = asserted
        if privacy == true { caller.presentationRestricted = true }
        return CallEvent(
            time: time, callID: callID, source: .jsonLines, phase: phase, disposition: disposition,
            callStart: start, duration: duration, talkTime: talkTime,
            caller: caller, callee: context.parties.callee(raw: calleeRaw)
        )
    }

    /// Typed reads of the collected members, each failing with the field's name.
    private struct MemberReader {
        let scanner: JSONScanner
        let members: JSONEventMembers

        func requiredString(_ field: CDRLineError.Field) throws(CDRLineError) -> String {
            guard case .string(let token) = members[field] else { throw CDRLineError(.badFieldType, field: field) }
            return scanner.string(token)
        }

        func optionalString(_ field: CDRLineError.Field) throws(CDRLineError) -> String? {
            switch members[field] {
            case nil, .null?: return nil
            case .string(let token)?: return scanner.string(token)
            default: throw CDRLineError(.badFieldType, field: field)
            }
        }

        func optionalBool(_ field: CDRLineError.Field) throws(CDRLineError) -> Bool? {
            switch members[field] {
            case nil, .null?: return nil
            case .bool(let value)?: return value
            default: throw CDRLineError(.badFieldType, field: field)
            }
        }

        func requiredTime(_ field: CDRLineError.Field) throws(CDRLineError) -> Timestamp {
            guard let time = try optionalTime(field) else { throw CDRLineError(.badFieldType, field: field) }
            return time
        }

        /// RFC 3339 text or epoch seconds (fractions kept to the microsecond).
        func optionalTime(_ field: CDRLineError.Field) throws(CDRLineError) -> Timestamp? {
            switch members[field] {
            case nil, .null?:
                return nil
            case .string(let token)?:
                let parsed: Timestamp?
                if token.hasEscapes {
                    parsed = scanner.decodedBytes(token).withUnsafeBytes { bytes in
                        RFC3339Parser.timestamp(in: bytes, from: 0, to: bytes.count)
                    }
                } else {
                    parsed = RFC3339Parser.timestamp(in: scanner.bytes, from: token.start, to: token.end)
                }
                guard let parsed else { throw CDRLineError(.badTimestamp, field: field) }
                return parsed
            case .number(let number)?:
                guard let seconds = number.scaled(byPowerOfTen: 0), epochSecondsRange.contains(seconds),
                    let micros = number.scaled(byPowerOfTen: 6)
                else { throw CDRLineError(.badTimestamp, field: field) }
                return Timestamp(microsecondsSinceEpoch: micros)
            default:
                throw CDRLineError(.badFieldType, field: field)
            }
        }

        /// A non-negative number of seconds, kept to the microsecond.
        func optionalSpan(_ field: CDRLineError.Field) throws(CDRLineError) -> TimeSpan? {
            switch members[field] {
            case nil, .null?:
                return nil
            case .number(let number)?:
                guard let micros = number.scaled(byPowerOfTen: 6), micros >= 0 else {
                    throw CDRLineError(.badFieldValue, field: field)
                }
                return TimeSpan(microseconds: micros)
            default:
                throw CDRLineError(.badFieldType, field: field)
            }
        }
    }
}
