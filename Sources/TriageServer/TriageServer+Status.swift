import Foundation
import TriageJSON
import Hummingbird
import NIOCore
import TriageConfig
import TriageLog
import TriageMetrics
import TriagePostgres

/// The state endpoints: `GET /metrics` and `GET /v1/triage/status`.
extension TriageServer {
    /// The Prometheus exposition; gauges of state (breakers, in-flight, log queue) are read at scrape time.
    static func metricsResponse(_ metrics: ProxyMetrics, routes: ActiveRoutes, health: BackendHealth, log: any RoutingLogSink) -> Response {
        for backend in routes.config.backends {
            let status = health.status(of: backend.name)
            let state: ProxyMetrics.BreakerStateValue
            switch status.breaker {
            case .closed: state = .closed
            case .open: state = .open
            case .halfOpen: state = .halfOpen
            }
            metrics.setBreakerState(backend: backend.name, state: state)
            metrics.setInFlight(backend: backend.name, count: status.inFlight)
        }
        metrics.setLogQueueDepth(log.pendingCount)
        if let drift = routes.autoRouting?.drift?.summary {
            metrics.setFitDrift(requests: drift.requests, belowMinShare: drift.belowMinFitShare, psi: drift.psi, ks: drift.ks)
        } else {
            metrics.setFitDrift(requests: 0, belowMinShare: nil, psi: nil, ks: nil)
        }
        let logStatus = log.status
        metrics.setRoutingLogHealth(lost: logStatus.lost, failing: logStatus.failing, inlineFallbacks: logStatus.inlineFallbacks)
        if let sink = log as? PostgresLogSink {
            let database = sink.databaseStatus
            metrics.setLogDatabase(
                spoolRecords: database.spoolRecords, spoolBytes: database.spoolBytes, deadLettered: database.deadLettered, up: database.state == "direct")
        }
        return Response(
            status: .ok,
            headers: [.contentType: ProxyMetrics.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render()))
        )
    }

    static func statusResponse(
        _ active: ActiveRoutes, health: BackendHealth, reloader: ConfigReloader?, log: any RoutingLogSink, logPath: String,
        onWriteError: LogWriteErrorPolicy
    ) -> Response {
        let backends = active.config.backends.map { backend -> JSONValue in
            let status = health.status(of: backend.name)
            var fields: [String: JSONValue] = [
                "name": .string(backend.name),
                "model": .string(backend.model),
                "breaker": .string(status.breaker.rawValue),
                "consecutive_failures": .int(status.consecutiveFailures),
                "in_flight": .int(status.inFlight),
                "times_opened": .int(status.timesOpened),
                "requests": .int(status.requests),
                "failures": .int(status.failures),
            ]
            fields["fallback"] = backend.fallback.map(JSONValue.string) ?? .null
            fields["retry_in_s"] = status.retryAfter.map(JSONValue.number) ?? .null
            return .object(fields)
        }
        var config: [String: JSONValue] = [
            "path": .string(active.config.sourcePath),
            "rules": .int(active.config.rules.count),
            "watched": .bool(reloader != nil),
        ]
        if let status = reloader?.status {
            config["reloads"] = .int(status.reloads)
            config["rejected"] = .int(status.rejected)
            config["last_error"] = status.lastError.map(JSONValue.string) ?? .null
            config["loaded_at"] = .string(RoutingLogRecord.timestamp(status.loadedAt))
        }
        let logStatus = log.status
        var routingLog: [String: JSONValue] = [
            "path": .string(logPath),
            "written": .int(logStatus.written),
            "lost": .int(logStatus.lost),
            "failing": .bool(logStatus.failing),
            "reopened": .int(logStatus.reopened),
            "inline_fallbacks": .int(logStatus.inlineFallbacks),
            "last_error": logStatus.lastError.map(JSONValue.string) ?? .null,
            "on_write_error": .string(onWriteError.rawValue),
        ]
        routingLog["sink"] = .string(log is PostgresLogSink ? "postgres" : "file")
        if let sink = log as? PostgresLogSink {
            let database = sink.databaseStatus
            routingLog["database"] = .object([
                "location": .string(sink.store.location), "table": .string(sink.store.table), "state": .string(database.state),
                "spool_path": .string(sink.spoolPath), "spool_records": .int(database.spoolRecords),
                "spool_bytes": .int(database.spoolBytes), "spooled": .int(database.spooled), "replayed": .int(database.replayed),
                "duplicates": .int(database.duplicates), "dead_letter_path": .string(sink.deadLetterPath),
                "dead_lettered": .int(database.deadLettered), "last_error": database.lastError.map(JSONValue.string) ?? .null,
            ])
        }
        let body = JSONValue.object([
            "config": .object(config), "backends": .array(backends), "routing_log": .object(routingLog),
        ]).jsonBytes
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
