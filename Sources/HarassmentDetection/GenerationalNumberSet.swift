/// The numbers that called the organisation recently, in bounded memory: the "never-seen" test of
/// the number-hopping rule.
///
/// Numbers go into the current generation (a `Set<UInt64>`). Policy, stated once:
/// - a new generation starts when the current one holds `capacity / 4` numbers or is older than half
///   the memory;
/// - the oldest generation is dropped when the generation after it started more than `memory` ago
///   (everything in it is then older than the memory), or when there are more than four generations
///   (only under capacity pressure: then the memory is shorter than configured);
/// - a number found in an older generation is copied into the current one, so a regular caller stays
///   remembered from their latest call.
/// So a number is remembered for at least `memory` after its last call unless more than `capacity`
/// distinct numbers call within that time; it is forgotten at the first call or tick after the
/// generation following its own started more than `memory` ago (with a tick at least daily, within
/// one and a half memories plus a day).
struct GenerationalNumberSet: Sendable {
    private struct Generation: Sendable {
        var numbers: Set<UInt64> = []
        var startedAt: Int64
    }

    private var generations: [Generation] = []
    private let generationCapacity: Int
    private let memory: Int64
    private static let maximumGenerations = 4

    init(capacity: Int, memory: Int64) {
        self.generationCapacity = max(1, capacity / Self.maximumGenerations)
        self.memory = max(1, memory)
    }

    /// How many numbers are held (a number copied forward counts once per generation).
    var count: Int { generations.reduce(0) { $0 + $1.numbers.count } }

    /// Whether `number` is held, without recording anything.
    func contains(_ number: UInt64) -> Bool {
        generations.contains { $0.numbers.contains(number) }
    }

    /// Whether `number` called within the memory; records this call either way.
    mutating func checkAndRecord(_ number: UInt64, at time: Int64) -> Bool {
        rotate(at: time)
        let current = generations.count - 1
        if generations[current].numbers.contains(number) { return true }
        var seen = false
        for index in generations.indices.dropLast() where generations[index].numbers.contains(number) {
            seen = true
            break
        }
        generations[current].numbers.insert(number)
        return seen
    }

    /// Starts a new generation and drops old ones as the policy above says.
    mutating func rotate(at time: Int64) {
        if let current = generations.last {
            let isFull = current.numbers.count >= generationCapacity
            let isOld = time - current.startedAt >= memory / 2
            if isFull || isOld {
                generations.append(Generation(numbers: Set(minimumCapacity: min(1_024, generationCapacity)), startedAt: time))
            }
        } else {
            generations.append(Generation(startedAt: time))
        }
        while generations.count > 1, generations.count > Self.maximumGenerations
            || generations[1].startedAt < time - memory
        {
            generations.removeFirst()
        }
    }
}
