package import PacketCapture

/// A capture source that runs on a thread of its own and fills a bounded queue: a live capture or
/// a HEP listener. ``SIPCaptureService`` starts and stops it and exports its counters.
/// Deliberately not part of it: restarting after a failure (make a new one).
package protocol CaptureThread: AnyObject, Sendable {
    /// Starts the thread; a second call does nothing.
    func start() throws(CaptureError)
    /// Stops the thread and waits for it. What it queued stays for the consumer.
    func stop()
    /// Its counters by exported name (`capture.received`, `hep.datagrams` …).
    var exportedCounters: [(name: String, value: UInt64)] { get }
    /// The error that ended the thread, if one did.
    var failure: CaptureError? { get }
}

extension CaptureThread {
    package var failure: CaptureError? { nil }
}

extension LiveCapture: CaptureThread {
    package var exportedCounters: [(name: String, value: UInt64)] { statistics.counters }
    package var failure: CaptureError? { lastError }
}

extension HEPListener: CaptureThread {
    package var exportedCounters: [(name: String, value: UInt64)] { counters }
}

extension HEPStreamListener: CaptureThread {
    package var exportedCounters: [(name: String, value: UInt64)] {
        counters.map { (name: $0.name.replacingOccurrences(prefix: "hep.", with: "hep.tcp."), value: $0.value) }
    }
}

extension String {
    fileprivate func replacingOccurrences(prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
