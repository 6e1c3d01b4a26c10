/// What a request hands to a routing log sink: a finished ``RoutingLogRecord``, or the facts of
/// an outcome that the sink's consumer renders into one (the proxy's `RequestOutcome`), so that
/// the text only the log needs (timestamp, redaction, usage estimate, cost) is made on the
/// writer's thread, off the request path.
public protocol RoutingLogOutcome: Sendable {
    /// The request id (known before rendering).
    var id: String { get }
    /// Rough bytes the rendered record will hold: what the queue counts against its bound.
    /// Cheap: it runs on the request path, at enqueue.
    var estimatedSize: Int { get }
    /// The record. Called once per queued outcome, on the sink's consumer thread (``LogQueue/take(limit:)``),
    /// before the record is observed and stored: it may also end what ends with the record
    /// (the request's trace).
    func rendered() -> RoutingLogRecord
}

extension RoutingLogRecord: RoutingLogOutcome {
    /// A finished record renders as itself.
    public func rendered() -> RoutingLogRecord { self }
}
