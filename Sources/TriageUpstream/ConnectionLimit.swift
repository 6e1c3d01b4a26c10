/// A cap on the transfers running at once for one key (Triage: one backend), enforced by the
/// client *before* a transfer reaches curl: a request beyond the cap waits for a slot, up to
/// `queueTimeout`, and only then gets its connect and total timeouts. Waiting for a slot never
/// counts as connecting, and a wait that lasts too long fails with
/// `UpstreamError.connectionsBusy`, not a timeout of the upstream.
public struct ConnectionLimit: Sendable, Equatable {
    /// Transfers sharing this key share the slots.
    public var key: String
    /// Most transfers running at once (each needs at most one connection).
    public var maxConnections: Int
    /// Longest wait for a slot, in seconds.
    public var queueTimeout: Double

    public init(key: String, maxConnections: Int, queueTimeout: Double) {
        self.key = key
        self.maxConnections = maxConnections
        self.queueTimeout = queueTimeout
    }
}
