import Synchronization
import TriageConfig
import TriageLog
import TriageMetrics
import TriageTracing

/// Where a finished request goes: one line in the routing log and its counts in the metrics.
///
/// The request path hands over its outcome (one immutable ``RequestOutcome``) and stamps its id
/// into ``KnownRequestIDs``; whoever writes the batch holding it (the sink's writer thread, or
/// the request's own thread when it found the writer idle: `RoutingLogWriter.commit`) renders it
/// into the record, counts that in the metrics, the dashboard's recent requests and report store
/// (``observe(_:)``), then writes the line.
struct RequestRecorder: Sendable {
    let log: any RoutingLogSink
    let metrics: ProxyMetrics
    /// The ids feedback may refer to; every recorded id is added.
    let known: KnownRequestIDs
    /// `log.on_write_error`: whether an answer whose record could not be written may still go out.
    let onWriteError: LogWriteErrorPolicy
    /// The last records, for the dashboard's live view.
    let recent: RecentRequests
    /// The last days' records for the dashboard's reports (nil with `ui: {enabled: false}` at start-up).
    let store: ReportStore?
    /// The shared database (`log.sink: postgres`): its daily budgets are shared by every replica.
    var database: ReplicaDatabase? = nil
    /// Records held back while their shadow copy runs, by id: written at shutdown if still open.
    let heldBack = HeldBackRecords()

    init(
        log: any RoutingLogSink, metrics: ProxyMetrics, known: KnownRequestIDs, onWriteError: LogWriteErrorPolicy,
        recent: RecentRequests, store: ReportStore?, database: ReplicaDatabase? = nil
    ) {
        (self.log, self.metrics, self.known, self.onWriteError) = (log, metrics, known, onWriteError)
        (self.recent, self.store, self.database) = (recent, store, database)
        log.observe { [metrics, recent, store] record in
            Self.observe(record, metrics: metrics, recent: recent, store: store)
        }
    }

    /// Writes the request's outcome to the routing log and counts it, returning once its line is
    /// in the file (group commit with the writer thread; written on this thread when the writer
    /// is idle), before the answer is finished. The batch's writer renders the record (timestamp,
    /// usage and cost, `log.redact`) and ends the request's trace with it; the request path
    /// itself only stamps the id into ``known``.
    ///
    /// - Returns: Whether the answer may go out: true when the line was written, or when it was
    ///   not but `log.on_write_error` is `fail_open`; false means answer ``APIError/routingLogUnavailable``.
    func record(_ outcome: RequestOutcome) async -> Bool {
        let written = await log.commit(queued(outcome))
        return written || onWriteError == .failOpen
    }

    /// The outcome as the log queues it, with the request's trace, its id stamped into ``known``.
    /// Not inlined: the async frame of `record(_:)` then holds only the boxed
    /// outcome, not copies of it (a smaller allocation for every request).
    @inline(never)
    private func queued(_ outcome: RequestOutcome) -> any RoutingLogOutcome {
        var outcome = outcome
        outcome.trace = RequestTrace.current
        known.insert(outcome.id)
        return outcome
    }

    /// The same for a record finished elsewhere (a request refused before the lifecycle: client
    /// auth, rate limits, a body that never came), its trace ended here.
    func record(_ record: RoutingLogRecord) async -> Bool {
        let record = Self.stamped(record)
        RequestTrace.current?.finish(record)
        known.insert(record.id)
        let written = await log.commit(record)
        return written || onWriteError == .failOpen
    }

    /// Queues an outcome for the routing log without waiting (those written after their answer:
    /// a shadow copy's, and those drained at shutdown).
    func recordInBackground(_ outcome: RequestOutcome) {
        known.insert(outcome.id)
        log.append(outcome)
    }

    /// Writes the outcomes still waiting for a shadow copy (at shutdown) without it rather than
    /// lose them; rendering applies `log.redact` of `active` (the routes in force now) as on every other path.
    func drainHeldBack(active: ActiveRoutes) {
        for held in heldBack.drain() {
            var outcome = held
            outcome.active = active
            outcome.facts.shadow = RoutingLogRecord.Shadow(
                backend: "unfinished", status: nil, response: nil,
                error: "shadow copy unfinished at shutdown", latencyMs: 0, agreement: nil, costUSD: nil
            )
            recordInBackground(outcome)
        }
    }

    /// `record` with the replica that served it (``ReplicaName``).
    static func stamped(_ record: RoutingLogRecord) -> RoutingLogRecord {
        var stamped = record
        stamp(&stamped)
        return stamped
    }

    /// Sets the replica that served `record` (``ReplicaName``) unless it has one.
    static func stamp(_ record: inout RoutingLogRecord) {
        if record.replica == nil { record.replica = ReplicaName.current }
    }

    /// Counts a record handed to the log, on the log's writer thread: exactly once per record.
    private static func observe(_ record: RoutingLogRecord, metrics: ProxyMetrics, recent: RecentRequests, store: ReportStore?) {
        recent.insert(record)
        store?.insert(record)
        metrics.recordRequest(
            endpoint: record.endpoint,
            backend: record.backend,
            rule: record.rule,
            status: record.status,
            latencySeconds: record.latencyMs / 1000,
            ttftSeconds: record.ttftMs.map { $0 / 1000 },
            promptTokens: record.usage?.promptTokens,
            completionTokens: record.usage?.completionTokens,
            costUSD: record.costUSD
        )
    }
}

/// Outcomes whose log line waits for a background shadow request; ``drain()`` hands them back at
/// shutdown so that none is lost if a shadow copy outlives the server.
final class HeldBackRecords: Sendable {
    private let records = Mutex<[String: RequestOutcome]>([:])

    func hold(_ outcome: RequestOutcome) {
        // The answer is out; the shadow copy that follows is not part of the request's trace.
        let outcome = outcome.finishingTrace(RequestTrace.current)
        records.withLock { $0[outcome.id] = outcome }
    }

    /// Whether the record of `id` is held back (its shadow copy still running).
    func contains(_ id: String) -> Bool {
        records.withLock { $0[id] != nil }
    }

    /// Releases a held record; false if it was already drained (then it must not be written again).
    func release(_ id: String) -> Bool {
        records.withLock { $0.removeValue(forKey: id) != nil }
    }

    func drain() -> [RequestOutcome] {
        records.withLock { records in
            defer { records.removeAll() }
            return Array(records.values)
        }
    }
}
