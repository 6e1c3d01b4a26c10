/// The routing decision log (`log: {path: logs/routing.jsonl, max_bytes: 104857600, daily: true, keep: 10}`).
public struct RoutingLogConfig: Sendable, Equatable {
    /// JSON-lines file receiving one record per routed request (`path`, default
    /// `logs/routing.jsonl`). Kept exactly as written; a relative path resolves
    /// against the process's current directory.
    public var path: String
    /// Rotate once the file reaches this many bytes (`max_bytes`); `nil`: no size limit.
    public var maxBytes: Int?
    /// Rotate at the first write of each new UTC day (`daily`, default false).
    public var daily: Bool
    /// Rotated files kept (`keep`, default 10): `path.1` is the newest, `path.N` the oldest.
    public var keep: Int
    /// Bytes of records waiting to be written past which new requests wait for the writer
    /// (`max_pending_bytes`, default 64 MiB): a disk slower than the traffic slows the traffic
    /// instead of growing memory or losing lines.
    public var maxPendingBytes: Int

    /// Creates a log configuration.
    public init(
        path: String = "logs/routing.jsonl", maxBytes: Int? = nil, daily: Bool = false, keep: Int = 10,
        maxPendingBytes: Int = 64 * 1024 * 1024
    ) {
        self.path = path
        self.maxBytes = maxBytes
        self.daily = daily
        self.keep = keep
        self.maxPendingBytes = maxPendingBytes
    }
}
