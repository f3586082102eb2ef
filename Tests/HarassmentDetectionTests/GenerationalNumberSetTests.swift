@testable import HarassmentDetection
import Testing

@Suite("seen-number generations")
struct GenerationalNumberSetTests {
    static let day: Int64 = 86_400_000_000
    static let number: UInt64 = 447_700_900_200

    @Test("a number is remembered for the memory and forgotten once its generation is old enough")
    func memory() {
        var seen = GenerationalNumberSet(capacity: 400, memory: 30 * Self.day)
        let wasSeen = seen.checkAndRecord(Self.number, at: 0)
        #expect(!wasSeen)
        var lastSeenDay = 0
        for day in 1...60 {
            seen.rotate(at: Int64(day) * Self.day)
            if seen.contains(Self.number) { lastSeenDay = day }
        }
        // Generations start on days 0, 15, 30 and 45; the first goes when the second is 30 days old.
        #expect(lastSeenDay == 45)
    }

    @Test("a repeat caller is remembered from their latest call")
    func refresh() {
        var seen = GenerationalNumberSet(capacity: 400, memory: 30 * Self.day)
        _ = seen.checkAndRecord(Self.number, at: 0)
        let wasSeen = seen.checkAndRecord(Self.number, at: 40 * Self.day)
        #expect(wasSeen)
        seen.rotate(at: 65 * Self.day)
        seen.rotate(at: 75 * Self.day)
        // The day-0 generation is gone by day 75; the copy made on day 40 remains.
        #expect(seen.contains(Self.number))
    }

    @Test("many distinct numbers never exceed the capacity")
    func capacity() {
        var seen = GenerationalNumberSet(capacity: 400, memory: 30 * Self.day)
        for index in 0..<10_000 {
            let wasSeen = seen.checkAndRecord(447_700_000_000 + UInt64(index), at: Int64(index))
            #expect(!wasSeen)
        }
        #expect(seen.count <= 400)
        #expect(seen.contains(447_700_000_000 + 9_999))
        #expect(!seen.contains(447_700_000_000))
    }
}
