import NIOCore
import Synchronization

/// The open connections of one listener: enforces the connection limit and lets shutdown stop and
/// close them all.
final class PushConnectionRegistry: Sendable {
    private let connections = Mutex<[ObjectIdentifier: PushConnectionReceipt]>([:])

    /// Adds a connection; false (and not added) when `limit` connections are open already.
    func register(_ receipt: PushConnectionReceipt, channel: any Channel, limit: Int) -> Bool {
        connections.withLock { open in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(receipt)] = receipt
            return true
        }
    }

    func unregister(_ receipt: PushConnectionReceipt) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(receipt)) }
    }

    var count: Int { connections.withLock { $0.count } }

    var all: [PushConnectionReceipt] { connections.withLock { Array($0.values) } }
}
