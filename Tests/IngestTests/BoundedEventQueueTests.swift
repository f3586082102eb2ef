import CallModel
import CallwardenPorts
import Ingest
import CallwardenPorts
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("BoundedEventQueue")
struct BoundedEventQueueTests {
    private func event(_ index: Int) -> CallEvent {
        CallEvent(
            time: Timestamp(secondsSinceEpoch: Int64(index)), callID: "call-\(index)", source: .decisionRequest,
            phase: .started, caller: CallerIdentity(raw: "02079460123", plan: .unitedKingdom),
            callee: CalledParty(raw: "1001", plan: .unitedKingdom))
    }

    @Test("capacity is rounded up to a power of two")
    func capacityRounding() {
        #expect(BoundedEventQueue(minimumCapacity: 0).capacity == 2)
        #expect(BoundedEventQueue(minimumCapacity: 5).capacity == 8)
        #expect(BoundedEventQueue(minimumCapacity: 1_024).capacity == 1_024)
    }

    @Test("events come out oldest first, in batches of at most the asked size")
    func fifoBatches() {
        let queue = BoundedEventQueue(minimumCapacity: 16)
        for index in 0..<10 { #expect(queue.offer(event(index))) }
        let first = queue.drain(maxCount: 4)
        let rest = queue.drain(maxCount: 100)
        #expect(first.map(\.callID) == (0..<4).map { "call-\($0)" })
        #expect(rest.map(\.callID) == (4..<10).map { "call-\($0)" })
        #expect(queue.drain(maxCount: 100).isEmpty)
        #expect(queue.poll() == nil)
    }

    @Test("a full queue drops the newest event, counts it, and takes events again once drained")
    func dropNewest() {
        let queue = BoundedEventQueue(minimumCapacity: 4)
        for index in 0..<4 { #expect(queue.offer(event(index))) }
        #expect(queue.offer(event(4)) == false)
        #expect(queue.offer(event(5)) == false)
        #expect(queue.droppedCount == 2)
        #expect(queue.acceptedCount == 4)
        #expect(queue.drain(maxCount: 10).map(\.callID) == ["call-0", "call-1", "call-2", "call-3"])
        #expect(queue.offer(event(6)))
        #expect(queue.drain(maxCount: 10).map(\.callID) == ["call-6"])
        #expect(queue.droppedCount == 2)
    }

    @Test("wrapping around the ring many times keeps order")
    func wrapAround() {
        let queue = BoundedEventQueue(minimumCapacity: 4)
        var received: [String] = []
        for index in 0..<1_000 {
            #expect(queue.offer(event(index)))
            if index % 3 == 2 { received += queue.drain(maxCount: 4).map(\.callID) }
        }
        received += queue.drain(maxCount: 10).map(\.callID)
        #expect(received == (0..<1_000).map { "call-\($0)" })
    }

    @Test("an async consumer gets what producers on real threads offered: every accepted event once")
    func concurrentProducers() async throws {
        let queue = BoundedEventQueue(minimumCapacity: 256)
        let producers = 4
        let perProducer = 5_000
        let threads = (0..<producers).map { producer in
            startThread {
                for index in 0..<perProducer {
                    _ = queue.offer(self.event(producer * perProducer + index))
                }
            }
        }
        var received: [String] = []
        var done = false
        var rounds = 0
        while !done, rounds < 200_000 {
            rounds += 1
            let batch = queue.drain(maxCount: 128)
            received += batch.map(\.callID)
            if batch.isEmpty {
                if received.count + queue.droppedCount == producers * perProducer { done = true }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        for thread in threads { joinThread(thread) }
        #expect(done)
        #expect(received.count == queue.acceptedCount)
        #expect(received.count + queue.droppedCount == producers * perProducer)
        #expect(Set(received).count == received.count)
        // Each producer's own events stay in its order.
        for producer in 0..<producers {
            let own = received.compactMap { id -> Int? in
                guard let number = Int(id.dropFirst("call-".count)), number / perProducer == producer else { return nil }
                return number
            }
            #expect(own == own.sorted())
        }
    }

}

func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        box.body()
        return nil
    }, context)
    precondition(result == 0, "pthread_create failed")
    return thread
}

func joinThread(_ thread: pthread_t) {
    pthread_join(thread, nil)
}
