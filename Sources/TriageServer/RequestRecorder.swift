import Synchronization
import TriageLog
import TriageMetrics

/// Where a finished request goes: one line in the routing log and its counts in the metrics.
struct RequestRecorder: Sendable {
    let log: RoutingLogWriter
    let metrics: ProxyMetrics
    /// The ids feedback may refer to; every recorded id is added.
    let known: KnownRequestIDs
    /// Records held back while their shadow copy runs, by id: written at shutdown if still open.
    let heldBack = HeldBackRecords()

    /// Appends `record` to the routing log (off the request path) and counts it.
    func record(_ record: RoutingLogRecord) {
        log.append(record)
        known.insert(record.id)
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

/// Records whose log line waits for a background shadow request; ``drain()`` hands them back at
/// shutdown so that none is lost if a shadow copy outlives the server.
final class HeldBackRecords: Sendable {
    private let records = Mutex<[String: RoutingLogRecord]>([:])

    func hold(_ record: RoutingLogRecord) {
        records.withLock { $0[record.id] = record }
    }

    /// Releases a held record; false if it was already drained (then it must not be written again).
    func release(_ id: String) -> Bool {
        records.withLock { $0.removeValue(forKey: id) != nil }
    }

    func drain() -> [RoutingLogRecord] {
        records.withLock { records in
            defer { records.removeAll() }
            return Array(records.values)
        }
    }
}
