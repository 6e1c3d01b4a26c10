/// Upstream timeouts in seconds (`timeouts: {connect: 5, total: 300, idle: 60, queue: 30}`). All `> 0`.
public struct BackendTimeouts: Sendable, Equatable {
    /// Time allowed to establish the connection (`connect`, default 5).
    public var connect: Double
    /// Time allowed for the whole request including a streamed response (`total`, default 300).
    public var total: Double
    /// Longest allowed silence between response bytes (`idle`, default 60).
    public var idle: Double
    /// Longest wait for one of the backend's `max_connections` slots before the request is
    /// sent (`queue`, default 30). Not part of `connect` or `total`, which start after it.
    public var queue: Double

    /// Creates a timeout configuration.
    public init(connect: Double = 5, total: Double = 300, idle: Double = 60, queue: Double = 30) {
        self.connect = connect
        self.total = total
        self.idle = idle
        self.queue = queue
    }
}
