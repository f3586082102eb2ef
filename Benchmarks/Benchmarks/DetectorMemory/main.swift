import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import HarassmentDetection

// Memory of the call event processor (detector, escalation histories, de-duplication) under a flood
// of spoofed numbers that never repeat (issue 14): no store, no files, only the state that grows
// with distinct callers. Run from the repository root:
//   CALLWARDEN_BENCHMARKS=1 swift run --scratch-path .build-benchmarks -c release DetectorMemory [callers] [max-tracked-keys]
// Feeds `callers` calls (default 80,000), each from a new fictional number (+1 NPA 555 01xx:
// NPA 200-999, the North American range set aside for fiction; 80,000 numbers in all), two
// seconds apart, to five extensions, and prints the process's resident memory every tenth of the
// way, the detector's tracked keys, and bytes per tracked key while the tables fill. With
// `max-tracked-keys` below `callers` (default 20,000) the second half shows whether memory stays
// flat once the tables are full.
//
// Deliberately not handled: what SQLite and the ingest batch hold (`RESULTS-dos.md` measured the
// whole daemon); malloc's own reuse of freed memory shows as RSS that does not shrink.
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let callers = min(arguments.first ?? 80_000, 80_000)
let capacity = arguments.dropFirst().first ?? 20_000

func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }
    return 0
}

/// The n-th fictional number: +1, an area code 200-999, 555, 0100-0199.
func number(_ n: Int) -> String { "+1\(200 + n / 100 % 800)55501\(String(format: "%02d", n % 100))" }

var configuration = DetectionConfiguration()
configuration.maxTrackedKeys = capacity
var processor = CallEventProcessor(
    detector: HarassmentDetector(configuration: configuration), policy: ResponsePolicy())
let start = Timestamp(microsecondsSinceEpoch: 1_768_208_400_000_000)
let before = residentBytes()
var rows: [(calls: Int, resident: Int, tracked: Int)] = []
var batch = IngestBatch()
for index in 0..<callers {
    let event = CallEvent(
        time: Timestamp(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(index) * 2_000_000),
        callID: "spoofed-\(index)", source: .asteriskCSV, phase: .ended,
        caller: CallerIdentity(raw: number(index), plan: .unitedKingdom),
        callee: CalledParty(raw: "10\(index % 5)", plan: .unitedKingdom))
    processor.process(event, into: &batch)
    if batch.events.count >= 4_096 { batch = IngestBatch() }
    if (index + 1) % max(1, callers / 10) == 0 {
        rows.append((index + 1, residentBytes(), processor.trackedKeyCount))
    }
}
print("callers \(callers), max tracked keys \(capacity), resident before \(before / 1024) KiB")
print("calls      resident KiB   tracked keys   bytes per tracked key (since start)")
for row in rows {
    let perKey = row.tracked > 0 ? (row.resident - before) / row.tracked : 0
    print(String(format: "%8d   %12d   %12d   %8d", row.calls, row.resident / 1024, row.tracked, perKey))
}
