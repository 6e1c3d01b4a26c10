/// Where the proxy's routing log records go: the JSONL file (``RoutingLogWriter``) or a shared
/// database. Every sink has the file's semantics: ``commit(_:)`` returns once the record is
/// durable (in the file, the database, or the database sink's local spool), ``append(_:)``
/// queues without waiting, ``waitForRoom()`` pushes back on new requests while too much waits.
public protocol RoutingLogSink: AnyObject, Sendable {
    /// Queues a record (or an outcome the sink renders into one on its own thread) and returns
    /// true once it is stored, false when it could not be (counted as lost).
    func commit(_ outcome: any RoutingLogOutcome) async -> Bool
    /// Queues a record (or an outcome) and returns at once.
    func append(_ outcome: any RoutingLogOutcome)
    /// Suspends while the queue is over its bound.
    func waitForRoom() async
    /// Records queued but not yet stored.
    var pendingCount: Int { get }
    /// Records written and lost, and whether the sink is failing now.
    var status: RoutingLogWriter.Status { get }
    /// Sets what is told about each record exactly once, on the sink's own thread (or task, or
    /// the committing caller's thread when the file writer lets it write) as it takes the
    /// record, before the record is stored and its ``commit(_:)`` returns; records
    /// refused after close are shown at once. Set it before the first record.
    func observe(_ observer: @escaping @Sendable (RoutingLogRecord) -> Void)
    /// Stores everything queued and stops. Idempotent.
    func close()
}

extension RoutingLogWriter: RoutingLogSink {}
