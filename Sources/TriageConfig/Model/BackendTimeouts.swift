/// Upstream timeouts in seconds (`timeouts: {connect: 5, total: 300, idle: 60}`). All `> 0`.
public struct BackendTimeouts: Sendable, Equatable {
    /// Time allowed to establish the connection (`connect`, default 5).
    public var connect: Double
    /// Time allowed for the whole request including a streamed response (`total`, default 300).
    public var total: Double
    /// Longest allowed silence between response bytes (`idle`, default 60).
    public var idle: Double

    /// Creates a timeout configuration.
    public init(connect: Double = 5, total: Double = 300, idle: Double = 60) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }
}
