import Foundation
import Hummingbird
import NIOCore
import TriageFlywheel
import TriageJSON
import TriageLog
import TriagePostgres

/// The answers of the dashboard's JSON endpoints (``TriageServer/addDashboardRoutes(to:routes:recent:store:logPath:)``).
/// Log reads run on a thread of their own, never on the request executor.
enum DashboardData {
    /// Most requests `/v1/triage/requests` returns at once.
    static let maxLimit = 500
    /// Characters of the prompt shown in a summary.
    static let previewLength = 160

    static func report(query: Parameters, active: ActiveRoutes, store: ReportStore?, database: PostgresStore?, logPath: String) async -> Response {
        let now = Date()
        let since: Date, until: Date?
        do {
            since = try TimeBound.parse(query["since"].map(String.init) ?? "24h", now: now)
            until = try query["until"].map { text throws(FlywheelError) in try TimeBound.parse(String(text), now: now) }
        } catch {
            return APIError.invalidRequest(error.description, code: .invalidTime, param: "since").response(requestID: nil)
        }
        let span = max((until ?? now).timeIntervalSince(since), 60)
        var bucket = Int((span / 60).rounded(.up))
        if let text = query["bucket"] {
            guard let value = Int(text), (1...604_800).contains(value) else {
                return APIError.invalidRequest("bucket must be a number of seconds from 1 to 604800, got '\(text)'.",
                                               code: .invalidBucket, param: "bucket").response(requestID: nil)
            }
            bucket = max(value, Int((span / 2_000).rounded(.up)))  // at most ~2,000 buckets
        }
        let options = ReportSettings.options(config: active.config, since: since, until: until,
                                             driftReference: active.autoRouting?.drift?.reference, bucketSeconds: bucket)
        if let database { return await report(options: options, database: database) }
        let result: Result<Data, FlywheelError> = await offThread {
            Result { () throws(FlywheelError) -> Data in
                // From memory when the window is held there, else by streaming the log.
                if let report = store?.report(options: options) { return try report.json() }
                return try ReportBuilder.build(logPath: logPath, options: options).json()
            }
        }
        switch result {
        case .success(let data): return json(Array(data))
        case .failure(let error):
            return APIError(status: .internalServerError, message: error.description, type: "server_error", code: .reportFailed)
                .response(requestID: nil)
        }
    }

    static func requests(query: Parameters, recent: RecentRequests) async -> Response {
        let limit = min(max(query["limit"].flatMap { Int($0) } ?? 50, 1), maxLimit)
        let backend = query["backend"].map(String.init), rule = query["rule"].map(String.init)
        let status = query["status"].map(String.init)
        // At start-up the log's end is put before the live records in the background: a list
        // taken before that would miss every decision from before the restart.
        await recent.whenSeeded()
        let all = await offThread { recent.entries() }
        var rows: [JSONValue] = []
        for entry in all.reversed() where rows.count < limit {
            let record = entry.record
            if let backend, record.backend != backend { continue }
            if let rule, record.rule != rule { continue }
            let failed = record.status >= 400 || record.error != nil
            if status == "ok" && failed || status == "error" && !failed { continue }
            if let status, let code = Int(status), record.status != code { continue }
            rows.append(summary(record, preview: entry.preview))
        }
        return json(JSONValue.object(["requests": .array(rows), "held": .int(all.count)]).jsonBytes)
    }

    static func request(id: String, recent: RecentRequests, logPath: String) async -> Response {
        guard let record = await offThread({ recent.find(id: id) }) else {
            return APIError(status: .notFound, message: "No request '\(id)' in the routing log.", type: "invalid_request_error",
                            code: .requestNotFound).response(requestID: nil)
        }
        return detail(record, feedback: (try? FeedbackStore.load(path: FeedbackStore.path(besideLog: logPath)))?.latest[id])
    }

    /// `{"record": <the log line>, "feedback": {...} | null}`.
    static func detail(_ record: RoutingLogRecord, feedback found: Feedback?) -> Response {
        var out = JSONWriter(capacity: record.estimatedSize + 256)
        out.raw("{\"record\":")
        var line = record.jsonLine()
        while line.last == UInt8(ascii: "\n") { line.removeLast() }
        out.raw(line)
        out.raw(",\"feedback\":")
        if let found {
            out.value(.object(["score": .number(found.score), "ts": .string(found.timestamp),
                               "label": found.label.map(JSONValue.string) ?? .null,
                               "comment": found.comment.map(JSONValue.string) ?? .null]))
        } else {
            out.raw("null")
        }
        out.raw("}")
        return json(out.bytes)
    }

    static func summary(_ record: RoutingLogRecord, preview: String) -> JSONValue {
        let optional = { (value: Double?) in value.map(JSONValue.number) ?? .null }
        let text = { (value: String?) in value.map(JSONValue.string) ?? .null }
        var fields: [String: JSONValue] = [
            "id": .string(record.id), "ts": .string(record.timestamp), "status": .int(record.status),
            "latency_ms": .number(record.latencyMs), "stream": .bool(record.stream), "reason": .string(record.reason),
            "fallback": .bool((record.attempts?.count ?? 0) > 1), "backend": text(record.backend), "rule": text(record.rule),
            "error": text(record.error), "ttft_ms": optional(record.ttftMs), "cost_usd": optional(record.costUSD),
            "replica": text(record.replica), "preview": .string(preview),
        ]
        if let usage = record.usage {
            fields["prompt_tokens"] = .int(usage.promptTokens)
            fields["completion_tokens"] = .int(usage.completionTokens)
        }
        if let scores = record.scores {
            fields["fit"] = optional(scores.fit)
            fields["complexity"] = .number(scores.complexity)
            fields["decided_by"] = .string(scores.decidedBy)
        }
        return .object(fields)
    }

    static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Runs blocking work (reading the log) on a dispatch thread.
    private static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
