import CallModel
import CallwardenPorts
import Testing

/// ``IngestBatch/upsert(_:)`` with many episodes in one batch (a DoS hour's batch holds thousands):
/// one entry per episode, updated in place, in first-seen order.
struct IngestBatchUpsertTests {
    /// Episode `n`: its own caller (drama range 020 7946 0xxx / 07700 900xxx), and every fifth one
    /// without a caller (anonymous), told apart by target.
    static func episode(_ n: Int, calls: Int, action: ResponseAction = .alert) -> Detection {
        let digits = n < 1_000 ? "+442079460\(String(n).leftPadded)" : "+447700900\(String(n - 1_000).leftPadded)"
        let caller = n % 5 == 0 ? nil : E164Number(e164: digits)
        return Detection(
            kind: caller == nil ? .anonymous : .repeatCaller, caller: caller, callers: caller.map { [$0] } ?? [],
            target: caller == nil ? "\(2000 + n)" : "1010", calls: calls, first: Fixtures.start,
            last: Fixtures.start + .minutes(Int64(calls)), action: action)
    }

    @Test func manyEpisodesKeepOneEntryEachAndUpdateInPlace() {
        let count = 1_800
        var batch = IngestBatch()
        for round in 1...3 {
            for n in 0..<count { batch.upsert(Self.episode(n, calls: 4 + round)) }
        }
        #expect(batch.detections.count == count)
        #expect(batch.detections.map(\.episodeKey) == (0..<count).map { Self.episode($0, calls: 0).episodeKey })
        #expect(batch.detections.allSatisfy { $0.calls == 7 })

        batch.upsert(Self.episode(917, calls: 30, action: .block))
        #expect(batch.detections.count == count)
        #expect(batch.detections[917].calls == 30)
        #expect(batch.detections[917].action == .block)
        #expect(batch.detections.filter { $0.calls == 7 }.count == count - 1)
    }

    @Test func theSameCallerInANewEpisodeIsANewEntry() {
        var batch = IngestBatch()
        var later = Self.episode(1, calls: 5)
        later.first = Fixtures.start + .hours(2)
        batch.upsert(Self.episode(1, calls: 5))
        batch.upsert(later)
        batch.upsert(Self.episode(1, calls: 6))
        #expect(batch.detections.count == 2)
        #expect(batch.detections.map(\.calls) == [6, 5])
    }

    @Test func anAssignedArrayIsIndexedForLaterUpserts() {
        var batch = IngestBatch()
        batch.detections = [Self.episode(1, calls: 5), Self.episode(2, calls: 5)]
        batch.upsert(Self.episode(2, calls: 9))
        batch.upsert(Self.episode(3, calls: 5))
        #expect(batch.detections.map(\.calls) == [5, 9, 5])
    }
}

extension String {
    /// Three digits, zero-padded on the left.
    fileprivate var leftPadded: String { String(repeating: "0", count: max(0, 3 - count)) + self }
}
