/// The routing decision log (`log: {path: logs/routing.jsonl}`).
public struct RoutingLogConfig: Sendable, Equatable {
    /// JSON-lines file receiving one record per routed request (`path`, default
    /// `logs/routing.jsonl`). Kept exactly as written; a relative path resolves
    /// against the process's current directory.
    public var path: String

    /// Creates a log configuration.
    public init(path: String = "logs/routing.jsonl") {
        self.path = path
    }
}
