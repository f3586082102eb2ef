import MetricsExposition
import Testing

/// The shared counter array: adds from many threads are all counted, and a bad index is harmless.
struct AtomicCounterArrayTests {
    @Test func addsFromManyThreadsAreAllCounted() async {
        let counters = AtomicCounterArray(count: 3)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10_000 {
                        counters.add(0)
                        counters.add(2, 3)
                    }
                }
            }
        }
        #expect(counters.value(0) == 80_000)
        #expect(counters.value(1) == 0)
        #expect(counters.value(2) == 240_000)
    }

    @Test func indexesOutsideTheArrayAreIgnoredAndReadZero() {
        let counters = AtomicCounterArray(count: 2)
        counters.add(-1)
        counters.add(2)
        counters.add(Int.max)
        #expect(counters.value(-1) == 0)
        #expect(counters.value(2) == 0)
        #expect(counters.value(0) == 0 && counters.value(1) == 0)
        let none = AtomicCounterArray(count: -5)
        none.add(0)
        #expect(none.count == 0)
        #expect(none.value(0) == 0)
    }

    @Test func aCounterPastIntMaxWrapsInsteadOfTrapping() {
        let counters = AtomicCounterArray(count: 1)
        counters.add(0, Int.max)
        counters.add(0)
        #expect(counters.value(0) == Int.min)
    }
}
