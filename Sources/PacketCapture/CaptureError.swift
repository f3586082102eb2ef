/// Why a capture source could not be opened or stopped working.
package enum CaptureError: Error, Equatable, CustomStringConvertible {
    /// libpcap could not open the file (missing, unreadable, not pcap/pcapng, mixed link types).
    case fileOpenFailed(path: String, message: String)
    /// libpcap failed while reading a file or interface.
    case readFailed(message: String)
    /// The interface could not be opened or activated (missing, no permission: capture needs
    /// CAP_NET_RAW).
    case interfaceOpenFailed(interface: String, message: String)
    case filterInvalid(filter: String, message: String)
    /// A socket call failed: which call, and errno.
    case socketFailed(call: String, errno: Int32)
    case addressInvalid(String)

    package var description: String {
        switch self {
        case .fileOpenFailed(let path, let message): "cannot open capture file \(path): \(message)"
        case .readFailed(let message): "capture read failed: \(message)"
        case .interfaceOpenFailed(let interface, let message): "cannot capture on \(interface): \(message)"
        case .filterInvalid(let filter, let message): "invalid capture filter \"\(filter)\": \(message)"
        case .socketFailed(let call, let errno): "\(call) failed: errno \(errno)"
        case .addressInvalid(let address): "not an IP address: \(address)"
        }
    }

    /// True when the error means the process lacks the privilege to capture.
    package var isPermissionDenied: Bool {
        if case .interfaceOpenFailed(_, let message) = self {
            return message.contains("Operation not permitted") || message.contains("ermission")
        }
        return false
    }
}
