import Glibc

/// A POSIX thread running one closure, joined by ``join()``: capture loops run on threads of their
/// own, outside the Swift task pool, because they block in `poll`/`recv`.
final class JoinableThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private var thread = pthread_t()
    private var joined = false

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) throws(CaptureError) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw .socketFailed(call: "pthread_create", errno: status)
        }
    }

    /// Waits for the thread to end. Later calls return at once.
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }
}
