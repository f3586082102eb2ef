import BoundedQueues
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The queue with several producers on real threads and one consumer (the daemon's decision-event
/// queue: transports' event loops push, the ingest loop drains).
@Suite("bounded queue, many producers")
struct ConcurrentProducerTests {
    @Test("elements come out oldest first, in batches of at most the asked size")
    func fifoBatches() {
        let queue = BoundedQueue<Int>(capacity: 16)
        for index in 0..<10 { #expect(queue.tryPush(index)) }
        let first = queue.drain(maxCount: 4)
        let rest = queue.drain(maxCount: 100)
        #expect(first == Array(0..<4))
        #expect(rest == Array(4..<10))
        #expect(queue.drain(maxCount: 100).isEmpty)
        #expect(queue.tryPop() == nil)
        #expect(queue.count == 0)
    }

    @Test("a full queue drops the newest, counts it, and takes elements again once drained")
    func dropNewest() {
        let queue = BoundedQueue<Int>(name: "decision", capacity: 4)
        #expect(queue.name == "decision")
        for index in 0..<4 { #expect(queue.tryPush(index)) }
        #expect(queue.count == 4)
        #expect(queue.tryPush(4) == false)
        #expect(queue.tryPush(5) == false)
        #expect(queue.droppedCount == 2)
        #expect(queue.acceptedCount == 4)
        #expect(queue.drain(maxCount: 10) == [0, 1, 2, 3])
        #expect(queue.tryPush(6))
        #expect(queue.drain(maxCount: 10) == [6])
        #expect(queue.droppedCount == 2)
    }

    @Test("capacity is rounded up to a power of two")
    func capacityRounding() {
        #expect(BoundedQueue<Int>(capacity: 1_024).capacity == 1_024)
        #expect(BoundedQueue<Int>(capacity: 1_025).capacity == 2_048)
    }

    @Test("wrapping around the ring many times keeps order")
    func wrapAround() {
        let queue = BoundedQueue<Int>(capacity: 4)
        var received: [Int] = []
        for index in 0..<1_000 {
            #expect(queue.tryPush(index))
            if index % 3 == 2 { received += queue.drain(maxCount: 4) }
        }
        received += queue.drain(maxCount: 10)
        #expect(received == Array(0..<1_000))
    }

    @Test("an async consumer gets what producers on real threads pushed: every accepted element once")
    func concurrentProducers() async throws {
        let queue = BoundedQueue<Int>(capacity: 256)
        let producers = 4
        let perProducer = 5_000
        let threads = (0..<producers).map { producer in
            startThread {
                for index in 0..<perProducer {
                    queue.tryPush(producer * perProducer + index)
                }
            }
        }
        var received: [Int] = []
        var done = false
        var rounds = 0
        while !done, rounds < 200_000 {
            rounds += 1
            let batch = queue.drain(maxCount: 128)
            received += batch
            if batch.isEmpty {
                if received.count + Int(queue.droppedCount) == producers * perProducer { done = true }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        for thread in threads { joinThread(thread) }
        #expect(done)
        #expect(UInt64(received.count) == queue.acceptedCount)
        #expect(received.count + Int(queue.droppedCount) == producers * perProducer)
        #expect(Set(received).count == received.count)
        // Each producer's own elements stay in its order.
        for producer in 0..<producers {
            let own = received.filter { $0 / perProducer == producer }
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
