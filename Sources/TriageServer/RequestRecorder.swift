import TriageLog
import TriageMetrics

/// Where a finished request goes: one line in the routing log and its counts in the metrics.
struct RequestRecorder: Sendable {
    let log: RoutingLogWriter
    let metrics: ProxyMetrics
    let recent: RecentRequestIDs

    /// Appends `record` to the routing log (off the request path) and counts it.
    func record(_ record: RoutingLogRecord) {
        log.append(record)
        recent.insert(record.id)
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
