import CPcap

/// Helpers around a libpcap handle shared by the file reader and live capture.
enum PcapHandle {
    /// libpcap's last error text for `handle`.
    static func lastError(_ handle: OpaquePointer) -> String {
        guard let message = pcap_geterr(handle) else { return "unknown libpcap error" }
        return String(cString: message)
    }

    /// The NUL-terminated text in a libpcap error buffer.
    static func text(of errorBuffer: [CChar]) -> String {
        String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Compiles `filter` and installs it on `handle`.
    static func setFilter(_ filter: String, on handle: OpaquePointer) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw .filterInvalid(filter: filter, message: lastError(handle))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw .filterInvalid(filter: filter, message: lastError(handle))
        }
    }
}
