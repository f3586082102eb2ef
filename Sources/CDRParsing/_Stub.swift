package import CallModel
package enum CDRFormat: String, CaseIterable, Sendable { case asteriskCSV = "asterisk-csv", freeswitchCSV = "freeswitch-csv", jsonLines = "jsonl" }
package struct CDRDecoderConfiguration: Sendable {
    package var plan: NumberPlan; package var timeZone: LocalTimeZone
    package init(plan: NumberPlan, timeZone: LocalTimeZone) { self.plan = plan; self.timeZone = timeZone }
}
package struct CDRLineError: Error, CustomStringConvertible { package var description: String { "stub" } }
package struct CDRLineDecoder {
    package init(format: CDRFormat, configuration: CDRDecoderConfiguration) {}
    package mutating func decode(_ line: UnsafeRawBufferPointer) throws(CDRLineError) -> CallEvent? { nil }
}
package enum CDRFormatDetector { package static func detect(firstLines: [[UInt8]]) -> CDRFormat? { nil } }
