/// Time limits applied to one upstream transfer. All values are in seconds.
public struct UpstreamTimeouts: Sendable {
    /// Maximum time to establish the TCP (and TLS) connection.
    public var connect: Double
    /// Maximum time for the whole transfer, from start until the last body byte.
    public var total: Double
    /// Maximum time without receiving any byte once the request has been sent
    /// (not counted while the transfer is paused because the body consumer is slow).
    public var idle: Double

    /// Creates a set of timeouts.
    /// - Parameters:
    ///   - connect: seconds allowed for connecting (default 5).
    ///   - total: seconds allowed for the whole transfer (default 300).
    ///   - idle: seconds allowed without receiving any byte (default 60).
    public init(connect: Double = 5, total: Double = 300, idle: Double = 60) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }
}
