/// The calls one key made, in time order, at most `capacity` of them (the newest are kept).
///
/// Small sorted arrays: events arrive almost in order, so an insert is an append; a late event is
/// inserted at its place. The capacity is passed by the owning rule on each insert instead of being
/// stored per key.
struct RecentCalls<Detail> {
    struct Call {
        var time: Int64
        var callID: String
        var detail: Detail
    }

    private(set) var calls: [Call] = []

    init(reserving capacity: Int) {
        calls.reserveCapacity(capacity)
    }

    var isEmpty: Bool { calls.isEmpty }

    mutating func insert(_ call: Call, capacity: Int) {
        if let newest = calls.last, newest.time > call.time {
            var index = calls.endIndex - 1
            while index > calls.startIndex, calls[index - 1].time > call.time { index -= 1 }
            calls.insert(call, at: index)
        } else {
            calls.append(call)
        }
        if calls.count > capacity { calls.removeFirst(calls.count - capacity) }
    }

    /// Drops the calls before `cutoff`.
    mutating func removeCalls(before cutoff: Int64) {
        var dropCount = 0
        while dropCount < calls.count, calls[dropCount].time < cutoff { dropCount += 1 }
        if dropCount > 0 { calls.removeFirst(dropCount) }
    }

    /// Removes the call with this time and call id, if present; true when one was removed.
    @discardableResult
    mutating func remove(time: Int64, callID: String) -> Bool {
        guard let index = calls.lastIndex(where: { $0.time == time && $0.callID == callID }) else { return false }
        calls.remove(at: index)
        return true
    }

    /// The calls in `[from, through]`.
    func calls(from start: Int64, through end: Int64) -> ArraySlice<Call> {
        var lower = calls.endIndex
        while lower > calls.startIndex, calls[lower - 1].time >= start { lower -= 1 }
        var upper = calls.endIndex
        while upper > lower, calls[upper - 1].time > end { upper -= 1 }
        return calls[lower..<upper]
    }

    var newestTime: Int64? { calls.last?.time }
}

extension RecentCalls: Sendable where Detail: Sendable {}
extension RecentCalls.Call: Sendable where Detail: Sendable {}
