package import CallModel
package import ListenerGuards

/// Where and how the HEP listener receives.
package struct HEPListenerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal to bind to (`0.0.0.0`, `::`, `127.0.0.1`).
    package var host: String
    /// The UDP port; 0 picks a free one (see ``HEPListener/port``).
    package var port: UInt16
    /// When set, a HEPv3 packet must carry this auth key (chunk 0x000e); others are dropped and
    /// counted (`hepAuthKeyMismatch`). HEPv1/v2 have no key and are dropped the same way.
    package var authKey: Secret? {
        get { reloadableAuthKey.current }
        set { reloadableAuthKey = ReloadableSetting(newValue) }
    }
    /// The auth key as every copy of this configuration shares it: a configuration reload publishes
    /// a new key here, and the listeners made from this configuration check the next packet with it.
    package var reloadableAuthKey: ReloadableSetting<Secret?>
    /// SIP payloads the queue to the consumer holds (rounded up to a power of two).
    package var queueCapacity: Int
    /// `SO_RCVBUF` in bytes: what absorbs bursts while the listener thread is busy.
    package var receiveBufferBytes: Int32
    /// HEP over TCP: connections open at once from one source address.
    package var maximumConnectionsPerSource: Int
    /// HEP over TCP: a packet must be complete within this from its first byte, or the connection
    /// is closed (a sender trickling bytes keeps no slot).
    package var packetTimeout: Duration

    package init(
        host: String = "127.0.0.1", port: UInt16 = 9060, authKey: Secret? = nil, queueCapacity: Int = 65_536,
        receiveBufferBytes: Int32 = 8 << 20, maximumConnectionsPerSource: Int = 16, packetTimeout: Duration = .seconds(30)
    ) {
        self.maximumConnectionsPerSource = maximumConnectionsPerSource
        self.packetTimeout = packetTimeout
        self.host = host
        self.port = port
        self.reloadableAuthKey = ReloadableSetting(authKey)
        self.queueCapacity = queueCapacity
        self.receiveBufferBytes = receiveBufferBytes
    }
}
