import Foundation
import BoundedQueues
import Testing

/// The queue between one producer thread (a capture thread) and its consumer.
@Suite("bounded queue")
struct BoundedQueueTests {
    @Test("drops the newest when full and counts it; FIFO otherwise")
    func dropNewest() {
        let queue = BoundedQueue<Int>(capacity: 4)
        #expect(queue.capacity == 4)
        for value in 0..<6 { queue.tryPush(value) }
        #expect(queue.droppedCount == 2)
        #expect(queue.acceptedCount == 4)
        #expect((0..<5).map { _ in queue.tryPop() } == [0, 1, 2, 3, nil])
        queue.tryPush(9)
        #expect(queue.tryPop() == 9)
    }

    @Test("capacity rounds up to a power of two")
    func rounding() {
        #expect(BoundedQueue<Int>(capacity: 5).capacity == 8)
        #expect(BoundedQueue<Int>(capacity: 0).capacity == 2)
    }

    @Test("a producer thread and a consumer thread pass every element in order, or count it dropped")
    func producerConsumer() {
        let queue = BoundedQueue<Int>(capacity: 64)
        let total = 200_000
        // The producer is an OS thread, as capture is; the test's own thread consumes.
        Thread.detachNewThread {
            for value in 0..<total { queue.tryPush(value) }
        }
        var received: [Int] = []
        while received.count + Int(queue.droppedCount) < total || queue.count > 0 {
            if let value = queue.tryPop() { received.append(value) }
        }
        #expect(received.count + Int(queue.droppedCount) == total)
        #expect(zip(received, received.dropFirst()).allSatisfy { $0 < $1 }, "order kept, nothing twice")
    }

    @Test("pop waits up to its timeout")
    func popTimeout() async {
        let queue = BoundedQueue<String>(capacity: 2)
        #expect(await queue.pop(waitingUpTo: .milliseconds(20)) == nil)
        queue.tryPush("x")
        #expect(await queue.pop(waitingUpTo: .milliseconds(20)) == "x")
    }
}
